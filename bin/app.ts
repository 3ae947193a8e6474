#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addCompliancePacks } from '../lib/compliance';
import { buildReferenceApp } from './reference-app';

// Entry point of `cdk synth` / `cdk deploy` (see cdk.json). Synth fails on any unacknowledged
// finding of the compliance packs; `npm run synth` prints the summary.
const app = new App();
buildReferenceApp(app);
addCompliancePacks(app);
app.synth();
