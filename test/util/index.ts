/** Test harness: Kubernetes manifest checks, IAM trust-policy simulation and cdk-nag checks. */
export * from './kubernetes';
export * from './iam-simulator';
export * from './nag';
