/**
 * Entry point of dist/server.js. The same bundle runs twice: as the language server on the main
 * thread (stdio or node IPC, as the client chooses) and as its analysis worker thread.
 */
import { isMainThread } from 'node:worker_threads';
import { runAnalysisWorker } from './analysis_worker';
import { startServer } from './server';

if (isMainThread) startServer(__filename);
else runAnalysisWorker();
