// Connection paths to Amazon Bedrock: public internet, PrivateLink, Direct Connect. Public API only:
// endpoint-policy statement builders, endpoint model lists and network checks stay internal. The
// models an endpoint admits are `BedrockModel`s (lib/core).
export {
  ALL_BEDROCK_FEATURES, BEDROCK_FEATURE_CATALOG, BedrockFeature, bedrockFeature, endpointServiceOf, featureActions,
} from './bedrock-features';
export type { BedrockFeatureDefinition } from './bedrock-features';
export { BearerTokenAccess } from './endpoint-policies';
export type { EndpointPrincipals } from './endpoint-policies';
export { VpcFlowLog } from './vpc-flow-log';
export type { VpcFlowLogProps } from './vpc-flow-log';
export { PublicPath } from './public-path';
export type { PublicPathProps } from './public-path';
export type { NewVpcProps } from './new-vpc';
export { BedrockPrivateLink, BedrockPrivateLinkBase } from './bedrock-private-link';
export type { BedrockPrivateLinkAttributes, BedrockPrivateLinkProps, IBedrockPrivateLink } from './bedrock-private-link';
export { InboundDnsResolver } from './inbound-dns-resolver';
export type { InboundDnsResolverProps } from './inbound-dns-resolver';
export { DEFAULT_DIRECT_CONNECT_GATEWAY_ASN, DirectConnectPath } from './direct-connect-path';
export type { DirectConnectPathProps, DirectConnectVirtualInterfaceOptions } from './direct-connect-path';
