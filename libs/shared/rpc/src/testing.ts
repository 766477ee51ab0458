export { startAppProcess, type AppProcess } from './app-process.js';
