import { App, Stack } from 'aws-cdk-lib';
import { addCompliancePacks } from '../lib/compliance';

// Baseline for bench/synth.ts: the same CLI, context and packs as the reference app, one empty stack.
const app = new App();
new Stack(app, 'Empty', { env: { account: '123456789012', region: 'us-east-1' } });
addCompliancePacks(app);
app.synth();
