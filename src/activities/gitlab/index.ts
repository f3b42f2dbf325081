export { createGitLabClient, type GitLabClient } from './gitlab-client.js';
export { createGitLabForge } from './gitlab-forge.js';
