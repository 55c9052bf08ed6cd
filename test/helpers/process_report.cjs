// Preloaded into a child process (node -r): at exit, writes to stderr one JSON line with the
// process's CPU time (all of it, startup included) and the files it required, for the CLI tests
// and benchmarks.
process.once('exit', () => {
  const c = process.cpuUsage();
  process.stderr.write(`\n@@convlens-process ${JSON.stringify({ cpuMs: (c.user + c.system) / 1000, modules: Object.keys(require.cache) })}\n`);
});
