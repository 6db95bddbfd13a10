/**
 * problemLines (lib/core/cli.ts): what a failed synth prints, one line per problem.
 */
import { problemLines } from '../../../lib/core/cli';

describe('problemLines', () => {
  test("a policy-pack error is its own line, without cdktf's footer that would switch every error annotation off", () => {
    // GIVEN the error cdktf throws for an error annotation (cdktf lib/errors.js encounteredAnnotationWithLevelError)
    const error = new Error(
      'Encountered Annotations with level "ERROR":\n[access/service-token-ci/resource] [Gatehouse-AccessServiceTokenDecision] the service token has no decision record\n\n' +
        'Either fix the issues above, or set the environment variable CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS to ignore these annotations.\n',
    );
    // WHEN it is turned into problem lines THEN the annotation is one line and the footer is gone
    expect(problemLines(error)).toEqual(['[access/service-token-ci/resource] [Gatehouse-AccessServiceTokenDecision] the service token has no decision record']);
  });

  test('any other error is a bug: no problem lines, so its trace is kept', () => {
    expect(problemLines(new TypeError('x is undefined'))).toBeUndefined();
  });
});
