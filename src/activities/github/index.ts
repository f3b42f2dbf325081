export { createGitHubConnection, type GitHubAuth, type GitHubConnection } from './github-connection.js';
export { toGitHubForgeError } from './github-errors.js';
export { createGitHubForge, type GitHubForgeOptions } from './github-forge.js';
export { githubConnectionFromConfig, githubForgeFromConfig } from './from-config.js';
export { githubThreadId, parseGitHubThreadId, type GitHubThread } from './github-thread-id.js';
