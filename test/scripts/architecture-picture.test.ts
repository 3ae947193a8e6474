import * as fs from 'fs';
import {
  ArchitectureGraph,
  ArchitectureInput,
  architectureDot,
  architectureGraph,
  dotHash,
  OUT,
  readArchitectureInput,
  svgDotHash,
} from '../../scripts/architecture-picture';
import { loadAssembly } from '../kit/synth';

// The assembly `npm test` synthesized from bin/app.ts (re-synthesized here if stale): the picture's input.
const synth = loadAssembly('bin/app.ts');
const input = readArchitectureInput(synth.assemblyDir);
const graph = architectureGraph(input);
const template = synth.json.BedrockPlatform;

const resourcesOfType = (type: string) => Object.keys(template.Resources).filter((id) => template.Resources[id].Type === type);
/** The node a resource is drawn in. */
const nodeOf = (g: ArchitectureGraph, logicalId: string, stack = 'BedrockPlatform') => {
  const node = g.nodes.find((n) => n.members.includes(`${stack}/${logicalId}`));
  if (!node) throw new Error(`${logicalId} is drawn in no node`);
  return node;
};
const hasEdge = (g: ArchitectureGraph, from: string, to: string) => g.edges.some((e) => e.from === from && e.to === to);

describe('architecture picture of the reference app', () => {
  test('every part of the platform is a labelled cluster', () => {
    const parts = ['Key', 'PrivateLink', 'DirectConnect', 'Audit', 'InvocationLogging', 'Monitoring', 'Guardrail', 'ConfigRules', 'HealthEvents', 'OnCall', 'Budget', 'Personas', 'Enforcement'];
    expect(graph.clusters.map((c) => c.id)).toEqual(expect.arrayContaining(parts));
    const dot = architectureDot(input);
    for (const part of parts) expect(dot).toContain(`subgraph "cluster_${part}" {`);
    for (const c of graph.clusters) expect(graph.nodes.some((n) => n.cluster === c.id)).toBe(true);
  });

  test('every Bedrock endpoint leads to Amazon Bedrock, and the applications reach the endpoints', () => {
    const endpoints = resourcesOfType('AWS::EC2::VPCEndpoint').filter((id) => JSON.stringify(template.Resources[id].Properties.ServiceName).includes('bedrock'));
    expect(endpoints.length).toBe(4); // runtime, agents runtime, agents build, control plane
    for (const id of endpoints) {
      const node = nodeOf(graph, id);
      expect(node.cluster).toBe('PrivateLink');
      expect(hasEdge(graph, node.id, 'ext:bedrock')).toBe(true);
    }
    expect(graph.edges).toContainEqual(expect.objectContaining({ from: 'ext:applications', lhead: 'PrivateLink' }));
    expect(graph.edges.filter((e) => e.from === 'ext:on-premises').map((e) => e.label).sort()).toEqual(['DNS', 'Direct Connect']);
  });

  test('the trail connects to its bucket and log group, the alarms to the alert topic', () => {
    const [trail] = resourcesOfType('AWS::CloudTrail::Trail');
    const props = template.Resources[trail].Properties;
    const trailNode = nodeOf(graph, trail);
    expect(hasEdge(graph, trailNode.id, nodeOf(graph, props.S3BucketName.Ref).id)).toBe(true);
    expect(hasEdge(graph, trailNode.id, nodeOf(graph, props.CloudWatchLogsLogGroupArn['Fn::GetAtt'][0]).id)).toBe(true);

    const alarms = nodeOf(graph, synth.logicalId('BedrockPlatform/Platform/Monitoring/Alarms/ErrorRateCritical1/Resource'));
    expect(alarms.label).toBe(`${alarms.members.length} alarms`);
    const topic = nodeOf(graph, synth.logicalId('BedrockPlatform/Platform/Audit/HighRiskAlerts/Alerts/Topic/Resource'));
    expect(graph.edges.some((e) => e.to === topic.id && graph.nodes.find((n) => n.id === e.from)?.cluster === 'Monitoring')).toBe(true);
  });

  test('every part that encrypts with the platform key has one dashed edge to it', () => {
    const key = nodeOf(graph, resourcesOfType('AWS::KMS::Key')[0]);
    const keyEdges = graph.edges.filter((e) => e.to === key.id);
    expect(keyEdges.every((e) => e.style === 'key')).toBe(true);
    const from = keyEdges.map((e) => graph.nodes.find((n) => n.id === e.from)!.cluster);
    expect(new Set(from).size).toBe(from.length);
    expect(from).toEqual(expect.arrayContaining(['Audit', 'InvocationLogging', 'Guardrail', 'OnCall', 'PrivateLink']));
  });

  test('readable: a bounded number of boxes, repeated resources aggregated, plumbing folded away', () => {
    expect(graph.nodes.length).toBeGreaterThanOrEqual(30);
    expect(graph.nodes.length).toBeLessThanOrEqual(60);
    expect(graph.edges.length).toBeLessThanOrEqual(90);
    const rules = nodeOf(graph, synth.logicalId('BedrockPlatform/Platform/ConfigRules/KeyRotation/Resource'));
    expect(rules.label).toMatch(/^\d+ Config rules$/);
    const plumbing = ['AWS::IAM::ManagedPolicy', 'AWS::S3::BucketPolicy', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy', 'AWS::KMS::Alias'];
    const drawnAlone = graph.nodes.filter((n) => n.members.length > 0 && n.members.every((m) => plumbing.includes(template.Resources[m.split('/')[1]].Type)));
    // Only the enforcement part, which is nothing but its policy, is drawn by a policy.
    expect(drawnAlone.map((n) => n.cluster)).toEqual(['Enforcement']);
    expect(graph.nodes.filter((n) => n.cluster === 'Personas').map((n) => n.label).sort()).toEqual(['Auditor', 'Builder', 'Invoker', 'Operator']);
  });

  test('deterministic: the DOT source does not depend on the order of the template', () => {
    const reversed: ArchitectureInput = {
      stacks: input.stacks.map((s) => ({ ...s, template: { ...s.template, Resources: Object.fromEntries(Object.entries(s.template.Resources).reverse()) } })),
    };
    expect(architectureDot(reversed)).toBe(architectureDot(input));
  });

  test('docs/architecture.svg is drawn from the current assembly', () => {
    const committed = fs.existsSync(OUT) ? svgDotHash(fs.readFileSync(OUT, 'utf8')) : undefined;
    if (committed !== dotHash(architectureDot(input))) {
      throw new Error('docs/architecture.svg is out of date with the reference app: run `npm run docs:architecture` and commit it');
    }
  });
});

describe('architecture graph of a small template', () => {
  const stack = 'S';
  const small: ArchitectureInput = {
    stacks: [
      {
        name: stack,
        paths: {
          Key: 'S/Platform/Key/Key/Resource',
          Topic: 'S/Platform/Audit/Alerts/Topic/Resource',
          Email: 'S/Platform/Audit/Alerts/Email0/Resource',
          A1: 'S/Platform/Monitoring/Alarms/A1/Resource',
          A2: 'S/Platform/Monitoring/Alarms/A2/Resource',
          Role: 'S/Platform/Invoker/Role/Resource',
          Policy: 'S/Platform/Invoker/Permissions/Policy/Resource',
        },
        template: {
          Resources: {
            Key: { Type: 'AWS::KMS::Key', Properties: {} },
            Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
            Email: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', TopicArn: { Ref: 'Topic' } } },
            A1: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
            A2: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
            Role: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: [{ Ref: 'Policy' }] } },
            Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [{ Resource: { 'Fn::Sub': '${Key.Arn}' } }] } } },
          },
        },
      },
    ],
  };
  const g = architectureGraph(small);
  const id = (logicalId: string) => nodeOf(g, logicalId, stack).id;

  test('repeated alarms are one node with one edge to their topic; the topic mails its subscribers', () => {
    expect(nodeOf(g, 'A1', stack)).toEqual(nodeOf(g, 'A2', stack));
    expect(nodeOf(g, 'A1', stack).label).toBe('2 alarms');
    expect(g.edges.filter((e) => e.to === id('Topic'))).toEqual([{ from: id('A1'), to: id('Topic'), style: 'ref' }]);
    expect(hasEdge(g, id('Topic'), 'ext:email')).toBe(true);
  });

  test("a role's policy is folded into the role, whose references (Fn::Sub included) become the role's", () => {
    expect(g.nodes.some((n) => n.members.includes(`${stack}/Policy`))).toBe(false);
    expect(g.edges).toContainEqual({ from: id('Role'), to: id('Key'), style: 'key' });
    expect(g.edges).toContainEqual({ from: id('Topic'), to: id('Key'), style: 'key' });
  });
});
