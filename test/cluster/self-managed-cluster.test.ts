import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import type { Construct } from 'constructs';
import * as jose from 'jose';
import {
  DiscoveryHosting, IdentityMechanism, PodIdentityAssociation, SelfManagedCluster, WorkloadIdentity, type DiscoveryHostingBindOptions,
  type DiscoveryHostingConfig, type IDiscoveryHosting, type SelfManagedClusterProps,
} from '../../src';
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, openIdConfigurationDocument } from '../../src/oidc/discovery-documents';
import { expectError } from '../util/errors';
import { ACCOUNT, REGION, newStack } from '../util/fixtures';
import { irsaDecision, providerArnFor } from '../util/irsa-sim';
import { assertNoUnresolvedTokens, synthChartObjects } from '../util/kubernetes';
import { deployedObjects } from '../util/s3-policy-sim';

const KEYS = path.join(__dirname, '..', 'fixtures', 'keys');
const pem = (file: string) => fs.readFileSync(path.join(KEYS, file), 'utf8');
// Computed with OpenSSL, independently of the library (test/fixtures/keys/README.md).
const KID = {
  rsa: 'JOK7bpCodr4kCa5JTQqZUag-vEl9i6D0HBa3VevUTks',
  rsaNext: 'zGGgXVS8U5-r1SpW9B3QUwwFDYv2cRyYsIE1YopOlDQ',
  ec: 'KSrCQOUf5TE83fJS8CyYVVPuEKSXjovb0ks7hjn7K2c',
};

const ISSUER = 'https://issuer.example.com/clusters/kubeadm-a';

/** A hosting that publishes nothing and serves at `issuerUrl`: the documents come from the cluster alone. */
class FixedHosting implements IDiscoveryHosting {
  public bound?: DiscoveryHostingBindOptions;
  constructor(private readonly issuerUrl: string = ISSUER) {}
  public bind(_scope: Construct, options: DiscoveryHostingBindOptions): DiscoveryHostingConfig {
    this.bound = options;
    const jwksUri = `${this.issuerUrl}/${JWKS_PATH}`;
    const openIdConfiguration = openIdConfigurationDocument(this.issuerUrl, jwksUri, options.signingAlgorithms);
    return { issuerUrl: this.issuerUrl, jwksUri, openIdConfiguration };
  }
}

function cluster(props: Partial<SelfManagedClusterProps> = {}, stack: Stack = newStack()) {
  const hosting = new FixedHosting();
  const c = new SelfManagedCluster(stack, 'Kubeadm', {
    clusterName: 'kubeadm-a', serviceAccountPublicKeys: [pem('sa-rsa.pub')], discovery: hosting, ...props,
  });
  return { stack, cluster: c, hosting };
}

describe('the documents, as kube-apiserver serves them', () => {
  test('the JWKS: one key per public key, kid by kube-apiserver\'s rule, fields in go-jose\'s order, no whitespace', () => {
    const { cluster: c } = cluster({ serviceAccountPublicKeys: [pem('sa-rsa.pub'), pem('sa-ec.pub')] });
    const jwks = JSON.parse(c.jwks);
    expect(jwks.keys.map((k: any) => k.kid)).toEqual([KID.rsa, KID.ec]);
    expect(Object.keys(jwks.keys[0])).toEqual(['use', 'kty', 'kid', 'alg', 'n', 'e']);
    expect(Object.keys(jwks.keys[1])).toEqual(['use', 'kty', 'kid', 'crv', 'alg', 'x', 'y']);
    expect(jwks.keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', alg: 'RS256', e: 'AQAB' });
    expect(jwks.keys[1]).toMatchObject({ use: 'sig', kty: 'EC', alg: 'ES256', crv: 'P-256' });
    expect(c.jwks).toBe(JSON.stringify(jwks));
    // The modulus is the key's own.
    const expected = jose.importSPKI(pem('sa-rsa.pub'), 'RS256').then(k => jose.exportJWK(k));
    return expected.then(jwk => expect(jwks.keys[0].n).toBe(jwk.n));
  });

  test('the discovery document: issuer, jwks_uri and the algorithms, sorted, exactly kube-apiserver\'s five fields', () => {
    const { cluster: c } = cluster({ serviceAccountPublicKeys: [pem('sa-rsa.pub'), pem('sa-ec.pub')] });
    expect(c.openIdConfiguration).toBe(JSON.stringify({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    }));
    expect(c.issuerUrl).toBe(ISSUER);
    expect(c.jwksUri).toBe(`${ISSUER}/openid/v1/jwks`);
  });

  test('the hosting is given the JWKS and the algorithms; a key given twice (also in one PEM text) is published once', () => {
    const { hosting } = cluster({ serviceAccountPublicKeys: [pem('sa-rsa.pub'), `${pem('sa-rsa.pub')}\n${pem('sa-rsa-next.pub')}`] });
    expect(hosting.bound!.clusterName).toBe('kubeadm-a');
    expect(JSON.parse(hosting.bound!.jwks).keys.map((k: any) => k.kid)).toEqual([KID.rsa, KID.rsaNext]);
    expect(hosting.bound!.signingAlgorithms).toEqual(['RS256', 'RS256']);
  });

  test('a certificate is read for its public key (kube-apiserver key files may hold certificates)', () => {
    const { cluster: c } = cluster({ serviceAccountPublicKeys: [pem('sa-rsa.crt')] });
    expect(JSON.parse(c.jwks).keys.map((k: any) => k.kid)).toEqual([KID.rsa]);
  });
});

/** Serves the cluster's two documents at their paths under the issuer's path, on 127.0.0.1; returns its origin. */
async function serve(c: SelfManagedCluster): Promise<{ origin: string; close: () => Promise<void>; requests: string[] }> {
  const base = new URL(c.issuerUrl).pathname.replace(/\/$/, '');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = req.url === `${base}/${OPENID_CONFIGURATION_PATH}` ? c.openIdConfiguration
      : req.url === `${base}/${JWKS_PATH}` ? c.jwks : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{}');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise(resolve => server.close(() => resolve())) };
}

/** A token as kube-apiserver signs one for a projected service account token volume (FACTS.md, claims). */
async function kubeToken(key: string, kid: string, alg: 'RS256' | 'ES256', claims: { iss?: string; aud?: string[]; sub?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({
    'aud': claims.aud ?? ['sts.amazonaws.com'],
    'kubernetes.io': {
      namespace: 'default',
      pod: { name: 'read-s3-hello-7d9f8b6c5-x2x4z', uid: '0b6c7c3e-1b7e-4a53-9c6d-8f0e1d2c3b4a' },
      serviceaccount: { name: 'read-s3-hello', uid: '8c1f3b2a-6d4e-4f5a-9b7c-1e2d3c4b5a69' },
    },
    'nbf': now,
  })
    .setProtectedHeader({ alg, kid })
    .setIssuer(claims.iss ?? ISSUER)
    .setSubject(claims.sub ?? 'system:serviceaccount:default:read-s3-hello')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await jose.importPKCS8(key, alg));
}

describe('a standard OIDC relying party (jose) verifies tokens against the documents, served at their paths', () => {
  /** What a relying party does: read the discovery document at the issuer, check it, fetch the keys from jwks_uri, verify. */
  async function verify(c: SelfManagedCluster, token: string, audience = 'sts.amazonaws.com') {
    const server = await serve(c);
    try {
      const local = (url: string) => new URL(new URL(url).pathname, server.origin);
      const discovery = await (await fetch(local(`${c.issuerUrl}/${OPENID_CONFIGURATION_PATH}`))).json() as Record<string, unknown>;
      expect(discovery.issuer).toBe(c.issuerUrl);
      const keys = jose.createRemoteJWKSet(local(String(discovery.jwks_uri)));
      const algorithms = discovery.id_token_signing_alg_values_supported as string[];
      return await jose.jwtVerify(token, keys, { issuer: String(discovery.issuer), audience, algorithms });
    } finally {
      await server.close();
    }
  }

  test('an RS256 token of the cluster\'s key is verified, with its claims', async () => {
    const { cluster: c } = cluster();
    const { payload, protectedHeader } = await verify(c, await kubeToken(pem('sa-rsa.key'), KID.rsa, 'RS256'));
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: KID.rsa });
    expect(payload.sub).toBe('system:serviceaccount:default:read-s3-hello');
    expect(payload['kubernetes.io']).toMatchObject({ namespace: 'default', serviceaccount: { name: 'read-s3-hello' } });
  });

  test('an ES256 token of an EC P-256 key is verified', async () => {
    const { cluster: c } = cluster({ serviceAccountPublicKeys: [pem('sa-rsa.pub'), pem('sa-ec.pub')] });
    await expect(verify(c, await kubeToken(pem('sa-ec.key'), KID.ec, 'ES256'))).resolves.toBeDefined();
  });

  test('during a rotation both keys are published, and tokens of either are verified', async () => {
    const { cluster: c } = cluster({ serviceAccountPublicKeys: [pem('sa-rsa-next.pub'), pem('sa-rsa.pub')] });
    await expect(verify(c, await kubeToken(pem('sa-rsa.key'), KID.rsa, 'RS256'))).resolves.toBeDefined();
    await expect(verify(c, await kubeToken(pem('sa-rsa-next.key'), KID.rsaNext, 'RS256'))).resolves.toBeDefined();
  });

  test('refused: a token of another key, of another issuer, of another audience, or with a forged kid', async () => {
    const { cluster: c } = cluster();
    await expect(verify(c, await kubeToken(pem('sa-rsa-next.key'), KID.rsaNext, 'RS256'))).rejects.toThrow(/no applicable key found/i);
    await expect(verify(c, await kubeToken(pem('sa-rsa-next.key'), KID.rsa, 'RS256'))).rejects.toThrow(/signature verification failed/i);
    await expect(verify(c, await kubeToken(pem('sa-rsa.key'), KID.rsa, 'RS256', { iss: 'https://issuer.example.com/clusters/kubeadm-b' })))
      .rejects.toThrow(/"iss" claim/);
    await expect(verify(c, await kubeToken(pem('sa-rsa.key'), KID.rsa, 'RS256', { aud: ['https://kubernetes.default.svc.cluster.local'] })))
      .rejects.toThrow(/"aud" claim/);
  });
});

describe('the documents as the S3 hosting publishes them', () => {
  test('a relying party finds them at the hosted paths and verifies a token of the cluster\'s key', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'self-managed-s3-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Clusters', { env: { account: ACCOUNT, region: REGION } });
    const c = new SelfManagedCluster(stack, 'Kubeadm', {
      clusterName: 'kubeadm-a', serviceAccountPublicKeys: [pem('sa-rsa.pub')], discovery: DiscoveryHosting.s3Bucket({ prefix: 'clusters/a' }),
    });
    try {
      const assembly = app.synth();
      const template = Template.fromJSON(assembly.getStackByName('Clusters').template);
      const [deploymentId] = Object.keys(template.findResources('Custom::CDKBucketDeployment'));
      const objects = deployedObjects(assembly, stack, deploymentId, { account: ACCOUNT, region: REGION });
      expect(Object.keys(objects).sort()).toEqual(['clusters/a/.well-known/openid-configuration', 'clusters/a/openid/v1/jwks']);
      // Serve the published objects at their keys: the issuer's path is the prefix.
      const server = http.createServer((req, res) => {
        const body = objects[(req.url ?? '').replace(/^\//, '')];
        res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
        res.end(body ?? '{}');
      });
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const local = (url: string) => new URL(new URL(url).pathname, origin);
        expect(c.issuerUrl).toMatch(/^https:\/\/oidc-kubeadm-a-[0-9a-f]+\.s3\.eu-west-1\.amazonaws\.com\/clusters\/a$/);
        const discovery = await (await fetch(local(`${c.issuerUrl}/.well-known/openid-configuration`))).json() as Record<string, string>;
        expect(discovery.issuer).toBe(c.issuerUrl);
        const keys = jose.createRemoteJWKSet(local(discovery.jwks_uri));
        const token = await kubeToken(pem('sa-rsa.key'), KID.rsa, 'RS256', { iss: c.issuerUrl });
        await expect(jose.jwtVerify(token, keys, { issuer: discovery.issuer, audience: 'sts.amazonaws.com' })).resolves.toBeDefined();
        const foreign = await kubeToken(pem('sa-rsa-next.key'), KID.rsaNext, 'RS256', { iss: c.issuerUrl });
        await expect(jose.jwtVerify(foreign, keys, { issuer: discovery.issuer, audience: 'sts.amazonaws.com' })).rejects.toThrow();
      } finally {
        await new Promise(resolve => server.close(resolve));
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('kube-apiserver flags', () => {
  test('issuer, JWKS URI and the API\'s own audiences; a previous issuer after the new one', () => {
    const { cluster: c } = cluster({ previousIssuerUrls: ['https://kubernetes.default.svc.cluster.local'] });
    expect(c.apiServerFlags).toEqual([
      `--service-account-issuer=${ISSUER}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-jwks-uri=${ISSUER}/openid/v1/jwks`,
      '--api-audiences=https://kubernetes.default.svc.cluster.local',
    ]);
  });

  test('apiAudiences are kept as given; the AWS audiences are not among them', () => {
    const { cluster: c } = cluster({ audiences: ['awssts'], apiAudiences: ['https://kubernetes.default.svc.cluster.local', 'k3s'] });
    expect(c.apiServerFlags[c.apiServerFlags.length - 1]).toBe('--api-audiences=https://kubernetes.default.svc.cluster.local,k3s');
    expect(c.apiServerFlags.join(' ')).not.toContain('awssts');
  });

  test('a stack output holds them, and kubeadm and k3s snippets are written next to the template', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'self-managed-'));
    try {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Clusters', { env: { account: ACCOUNT, region: REGION } });
      const { cluster: c } = cluster({ previousIssuerUrls: ['https://kubernetes.default.svc.cluster.local'] }, stack);
      app.synth();
      const template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, 'Clusters.template.json'), 'utf8')));
      template.hasOutput('*', { Value: c.apiServerFlags.join(' ') });
      expect(fs.readFileSync(path.join(outdir, 'Clusters.kubeadm-a.kubeadm.yaml'), 'utf8')).toBe([
        '# kube-apiserver flags for cluster kubeadm-a: merge into your kubeadm ClusterConfiguration, then restart the',
        '# apiserver (kubeadm upgrade apply, or edit /etc/kubernetes/manifests/kube-apiserver.yaml on each control-plane node).',
        '# Written by cdk-workload-identity. kubeadm v1beta3 (extraArgs as a map) cannot repeat service-account-issuer.',
        'apiVersion: kubeadm.k8s.io/v1beta4',
        'kind: ClusterConfiguration',
        'apiServer:',
        '  extraArgs:',
        '    - name: service-account-issuer',
        `      value: "${ISSUER}"`,
        '    - name: service-account-issuer',
        '      value: "https://kubernetes.default.svc.cluster.local"',
        '    - name: service-account-jwks-uri',
        `      value: "${ISSUER}/openid/v1/jwks"`,
        '    - name: api-audiences',
        '      value: "https://kubernetes.default.svc.cluster.local"',
        '',
      ].join('\n'));
      expect(fs.readFileSync(path.join(outdir, 'Clusters.kubeadm-a.k3s.yaml'), 'utf8')).toContain([
        'kube-apiserver-arg:',
        `  - "service-account-issuer=${ISSUER}"`,
        '  - "service-account-issuer=https://kubernetes.default.svc.cluster.local"',
        `  - "service-account-jwks-uri=${ISSUER}/openid/v1/jwks"`,
        '  - "api-audiences=https://kubernetes.default.svc.cluster.local"',
      ].join('\n'));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('the IAM OIDC provider and IRSA on the cluster', () => {
  test('one native provider with the audiences as client ids; clusterArn is its ARN', () => {
    const { stack, cluster: c } = cluster({ audiences: ['awssts', 'sts.amazonaws.com'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['awssts', 'sts.amazonaws.com'] });
    const [providerId] = Object.keys(template.findResources('AWS::IAM::OIDCProvider'));
    expect(stack.resolve(c.clusterArn)).toEqual({ Ref: providerId });
    expect(c.defaultAudience).toBe('awssts');
    expect(c.oidcProvider.literalProviderArn).toBe(providerArnFor(ISSUER));
  });

  test('IRSA: the trust admits the service account with the cluster\'s audience, and nothing near it', async () => {
    const { stack, cluster: c } = cluster({ audiences: ['awssts'] });
    const chart = new cdk8s.Chart(new cdk8s.App(), 'default');
    new WorkloadIdentity(stack, 'Hello', { cluster: c, namespace: 'default', serviceAccount: 'read-s3-hello', mechanism: IdentityMechanism.IRSA, chart });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role'))[0];
    const decide = (request: Partial<Parameters<typeof irsaDecision>[2]>) =>
      irsaDecision(template, roleId, { issuer: ISSUER, namespace: 'default', serviceAccount: 'read-s3-hello', audience: 'awssts', ...request });
    expect(await decide({})).toBe('Allowed');
    expect(await decide({ serviceAccount: 'other' })).toBe('Denied');
    expect(await decide({ namespace: 'kube-system' })).toBe('Denied');
    expect(await decide({ audience: 'sts.amazonaws.com' })).toBe('Denied');
    expect(await decide({ issuer: 'https://issuer.example.com/clusters/kubeadm-b' })).toBe('Denied');
    // The webhook of the cluster injects its audience: the ServiceAccount needs no audience annotation.
    const [sa] = synthChartObjects(chart);
    expect(Object.keys(sa.metadata.annotations)).toEqual(['eks.amazonaws.com/role-arn']);
    assertNoUnresolvedTokens(JSON.stringify(sa), 'the ServiceAccount');
  });

  test('an identity with another audience gets it annotated, and the provider lists it', () => {
    const { stack, cluster: c } = cluster({ audiences: ['awssts'] });
    const chart = new cdk8s.Chart(new cdk8s.App(), 'default');
    new WorkloadIdentity(stack, 'Hello', { cluster: c, namespace: 'default', serviceAccount: 'x', mechanism: IdentityMechanism.IRSA, audience: 'sts.amazonaws.com', chart });
    expect(synthChartObjects(chart)[0].metadata.annotations['eks.amazonaws.com/audience']).toBe('sts.amazonaws.com');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', { ClientIdList: ['awssts', 'sts.amazonaws.com'] });
  });

  test('Pod Identity on it is an error naming the cluster', () => {
    const { stack, cluster: c } = cluster();
    expectError(() => new PodIdentityAssociation(stack, 'Assoc', { cluster: c, namespace: 'a', serviceAccount: 'b' }),
      'PodIdentityAssociation Test/Assoc: cluster "kubeadm-a" cannot run EKS Pod Identity (a self-managed cluster: EKS Pod Identity ' +
      'works only on EKS), expected a cluster whose nodes run the Pod Identity Agent; use IRSA for this workload, or declare how the ' +
      'agent is provided with podIdentityAgent: PodIdentityAgent.addon() or PodIdentityAgent.preinstalled()');
  });
});

describe('SelfManagedCluster.fromClusterAttributes', () => {
  test('documents hosted already: the provider is created by the first IRSA identity; clusterArn is the provider\'s ARN', () => {
    const stack = newStack();
    const c = SelfManagedCluster.fromClusterAttributes(stack, 'Kops', { clusterName: 'kops-a', oidcIssuerUrl: ISSUER, defaultAudience: 'amazonaws.com' });
    expect(c.clusterArn).toBe(providerArnFor(ISSUER));
    new WorkloadIdentity(stack, 'Api', { cluster: c, namespace: 'a', serviceAccount: 'b', mechanism: IdentityMechanism.IRSA });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', { Url: ISSUER, ClientIdList: ['amazonaws.com'] });
  });

  test('with the provider\'s ARN, nothing is created', () => {
    const stack = newStack();
    const c = SelfManagedCluster.fromClusterAttributes(stack, 'Kops', { clusterName: 'kops-a', oidcIssuerUrl: ISSUER, oidcProviderArn: providerArnFor(ISSUER) });
    new WorkloadIdentity(stack, 'Api', { cluster: c, namespace: 'a', serviceAccount: 'b', mechanism: IdentityMechanism.IRSA });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });
});

describe('bad input', () => {
  const S = 'SelfManagedCluster Test/Kubeadm';

  test('a private key is refused, and the message never shows it', () => {
    const key = pem('sa-rsa.key');
    let message = '';
    try {
      cluster({ serviceAccountPublicKeys: [key] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`${S}: serviceAccountPublicKeys[0] holds a private key (its value is not shown), expected only the public half; ` +
      'give the public key (openssl pkey -in sa.key -pubout), and treat the private key as exposed if this app\'s source or logs are shared');
    for (const line of key.split('\n').filter(l => l.length > 20)) expect(message).not.toContain(line.slice(0, 20));
  });

  test.each([
    ['an RSA key of 1,024 bits', [pem('sa-rsa-1024.pub')], `${S}: serviceAccountPublicKeys[0] is an RSA key of 1024 bits, expected at least 2048 bits`],
    ['an EC P-384 key', [pem('sa-ec-p384.pub')], `${S}: serviceAccountPublicKeys[0] is an EC key on curve secp384r1, expected an RSA key of at least 2048 bits or an EC P-256 key`],
    ['no keys', [], `${S}: serviceAccountPublicKeys is empty, expected the PEM public keys of the apiserver's service account signing keys (kubeadm: /etc/kubernetes/pki/sa.pub)`],
    ['text that is not PEM', ['ssh-rsa AAAAB3Nza'], `${S}: serviceAccountPublicKeys[0] has no PEM block, expected a PEM public key (-----BEGIN PUBLIC KEY-----)`],
  ])('%s', (_name, keys, message) => {
    expectError(() => cluster({ serviceAccountPublicKeys: keys as string[] }), message);
  });

  test.each([
    [{ clusterName: 'kubeadm_a' }, `${S}: clusterName "kubeadm_a" is not a cluster name this library can use in resource and file names, expected 1 to 63 letters, digits and '-', starting with a letter or digit`],
    [{ audiences: [] }, `${S}: audiences is [], expected at least one audience`],
    [{ audiences: ['sts amazonaws'] }, `${S}: audiences has "sts amazonaws", expected audiences of 1 to 255 characters without whitespace, such as sts.amazonaws.com or awssts`],
    [{ audiences: ['awssts', 'awssts'] }, `${S}: audiences lists "awssts" twice, expected each audience once`],
    [{ apiAudiences: ['sts.amazonaws.com'] }, `${S}: apiAudiences includes "sts.amazonaws.com", which is also an AWS audience, expected the API's own audiences only; a token meant for AWS must not authenticate to the Kubernetes API: remove it`],
    [{ previousIssuerUrls: [ISSUER] }, `${S}: previousIssuerUrls includes the new issuer "${ISSUER}", expected only the issuers the cluster used before`],
    [{ previousIssuerUrls: ['http://old.example.com'] }, `${S}: previousIssuerUrls[0] "http://old.example.com" is http://, which IAM refuses, expected an https:// URL`],
  ])('%p', (props, message) => {
    expect(() => cluster(props as Partial<SelfManagedClusterProps>)).toThrow(message);
  });
});
