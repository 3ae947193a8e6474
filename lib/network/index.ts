// Connection paths to Amazon Bedrock: public internet, PrivateLink, Direct Connect.
export * from './bedrock-features';
export * from './model-access';
export * from './endpoint-policies';
export * from './vpc-flow-log';
export * from './public-path';
export * from './bedrock-private-link';
export * from './inbound-dns-resolver';
export * from './direct-connect-path';
