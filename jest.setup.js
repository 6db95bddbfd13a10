// Runs in every test file after jest has installed source-map-support (setupFilesAfterEnv).
//
// cdktf captures a stack trace at the creation of every token, and constructs one for every
// annotation, by formatting the stack of a plain object; under jest each frame of those went through
// source-map-support, which parses the source maps of every file on the stack again in each test
// file: about a fifth of the CPU time of `npm test` (bench/README.md). Those traces are never shown
// by a passing test. Real errors (what a failing test prints) keep their source-mapped traces; a
// plain object's capture is formatted as V8 formats it outside jest, which is also what
// `node bin/synth.js` does.
'use strict';
const mapped = Error.prepareStackTrace;

Error.prepareStackTrace = function prepareStackTrace(error, frames) {
  if (mapped && Object.prototype.toString.call(error) === '[object Error]') return mapped(error, frames);
  return [String(error), ...frames.map((frame) => `    at ${frame}`)].join('\n');
};
