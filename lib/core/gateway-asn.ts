/**
 * Template metadata key on an `AWS::DirectConnect::DirectConnectGatewayAssociation`: the Amazon-side
 * ASN of the associated gateway when it lives outside the template and its owner told us. The
 * pre-deploy checks compare it with the Direct Connect gateway's ASN; without it they assume
 * AWS's default, {@link AWS_DEFAULT_GATEWAY_ASN}.
 */
export const ASSOCIATED_GATEWAY_ASN_METADATA = 'BedrockPlatform:AssociatedGatewayAsn';

/** The Amazon-side ASN AWS gives a transit gateway, virtual private gateway or Direct Connect gateway when none is set. */
export const AWS_DEFAULT_GATEWAY_ASN = 64512;
