// Preloaded into the s3rver child process (node -r) by s3rver.ts: the parent holds the write end
// of the child's stdin, so the child sees its stdin end when the parent goes, however it goes (a
// test run killed, a worker that never reached its afterAll), and exits instead of lingering.
'use strict';
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
