// Prints the plain closing line CI reads ("tests: N passed, N failed") from jest's --json output,
// and fails when no test ran at all.
const results = require(require("path").resolve(process.argv[2]));
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
console.log(`tests: ${results.numPassedTests} passed, ${failed} failed`);
if (results.numTotalTests === 0) {
  console.error("test: no test ran");
  process.exit(1);
}
