import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { cdkJsonContext } from '../kit/synth';

// The test environment shares one CloudFormation schema/rule engine per jest worker
// (test/kit/jest-environment.js): it must still be the engine aws-cdk-lib uses, and still reject.
describe('template validation in tests', () => {
  test('uses the shared engine, and a schema error still fails synthesis', () => {
    const app = new App({ context: cdkJsonContext() });
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    new CfnResource(stack, 'Bad', { type: 'AWS::SNS::Topic', properties: { NotAProperty: 1 } });
    expect(() => app.synth()).toThrow(/'NotAProperty' was unexpected/);
    expect((globalThis as { __bspSharedCfnValidatePlugin?: { engine?: unknown } }).__bspSharedCfnValidatePlugin?.engine).toBeTruthy();
  });
});
