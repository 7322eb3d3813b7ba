/**
 * The fewest AWS calls each routine run (the demo scenario in src/local/demo/) could make,
 * operation by operation, with the reason each is needed. The rules behind every list:
 * - the same end state and the same Slack message as the workflow's run;
 * - ids, ETags and public material may travel in the execution's state (free); secret material
 *   may not (it would sit in the execution history), so a step that needs a secret reads it;
 * - the workflow's safety rules stay: a new credential is stored as AWSPENDING before it is used
 *   and tested before it becomes AWSCURRENT; nothing someone else made is removed unasked;
 * - no re-reads: each fact is read once per run, unless a wait separates the read from its use.
 * What the gap costs is listed beside the figures in docs/benchmarks.md.
 */
export interface MinimumCall {
  operation: string;
  count: number;
  why: string;
}

export const MINIMUM_CALLS: Record<string, MinimumCall[]> = {
  'rotate-cloudfront-key': [
    { operation: 'GetKeyGroup', count: 1, why: 'items (room for one more key) and the ETag the UpdateKeyGroup needs' },
    { operation: 'GetSecretValue', count: 3, why: "AWSCURRENT (is a keyturn key there, how old: not found on a first run); the pending private key to sign the test URL; the Slack webhook" },
    { operation: 'CreateSecret', count: 1, why: 'first rotation: the secret does not exist (created without a value, so nothing is AWSCURRENT before the test)' },
    { operation: 'PutSecretValue', count: 1, why: 'the private key as AWSPENDING, before its public key exists (a crash cannot strand a key nobody can sign with)' },
    { operation: 'CreatePublicKey', count: 1, why: 'the new public key (its id travels in the state; CallerReference makes a rerun find it)' },
    { operation: 'UpdateKeyGroup', count: 1, why: 'add the key, If-Match the ETag read above (the hand-made key stays)' },
    { operation: 'UpdateSecretVersionStage', count: 2, why: 'move AWSCURRENT to the new version; take AWSPENDING off it (one label per call)' },
  ],
  'check-iam-cert-expiry': [
    { operation: 'ListServerCertificates', count: 1, why: 'MaxItems=1000 covers every certificate an account may hold; Expiration is in the metadata, so no GetServerCertificate' },
    { operation: 'GetSecretValue', count: 2, why: 'the thresholds already reported (not found on a first run); the Slack webhook' },
    { operation: 'CreateSecret', count: 1, why: 'first run: remember the thresholds reported (later runs: one PutSecretValue instead)' },
  ],
  'import-iam-server-cert': [
    { operation: 'GetSecretValue', count: 2, why: 'the certificate, chain and private key to import; the Slack webhook' },
    { operation: 'UploadServerCertificate', count: 1, why: 'the import; EntityAlreadyExists answers "already there?", and its metadata (ARN, expiry) is what the report needs, so no read-back' },
  ],
  'rotate-lightsail-bucket-key': [
    { operation: 'GetBucketAccessKeys', count: 2, why: 'before: keys and room (2 per bucket); after the wait: is the old key still used (lastUsed)' },
    { operation: 'GetSecretValue', count: 3, why: 'AWSCURRENT (not found: the hand-made key is adopted); the new key to test with; the Slack webhook' },
    { operation: 'CreateBucketAccessKey', count: 1, why: 'the new key (its secret is returned once)' },
    { operation: 'CreateSecret', count: 1, why: 'first rotation: the secret does not exist (created without a value)' },
    { operation: 'PutSecretValue', count: 1, why: 'the new key as AWSPENDING' },
    { operation: 'ListObjectsV2', count: 1, why: 'one signed request with the new key against the bucket' },
    { operation: 'UpdateSecretVersionStage', count: 2, why: 'move AWSCURRENT; take AWSPENDING off' },
    { operation: 'DeleteBucketAccessKey', count: 1, why: 'the old key, unused since the switch' },
  ],
  'rotate-apigw-client-cert': [
    { operation: 'GetStages', count: 1, why: 'the stages and the client certificate they present' },
    { operation: 'GetClientCertificate', count: 1, why: 'its expiry (is a rotation due)' },
    { operation: 'GenerateClientCertificate', count: 1, why: 'the new certificate (its PEM is public and travels in the state)' },
    { operation: 'GetSecretValue', count: 3, why: 'the trust store, before adding and again after the wait before removing (someone may have edited it); the Slack webhook' },
    { operation: 'PutSecretValue', count: 2, why: 'trust store with both certificates; then without the old one' },
    { operation: 'UpdateStage', count: 2, why: 'one per stage (the demo API has two)' },
    { operation: 'DeleteClientCertificate', count: 1, why: 'the old certificate' },
  ],
};

export const minimumTotal = (workflow: string): number | undefined => MINIMUM_CALLS[workflow]?.reduce((n, c) => n + c.count, 0);
