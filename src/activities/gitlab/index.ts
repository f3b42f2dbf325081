export { createGitLabClient, type GitLabClient, type GitLabClientOptions } from './gitlab-client.js';
export { toForgeError } from './gitlab-errors.js';
export { createGitLabForge, type GitLabForgeOptions } from './gitlab-forge.js';
