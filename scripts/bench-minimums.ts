/**
 * The fewest AWS calls each routine run (the demo scenario in src/local/demo/) could make,
 * operation by operation, with the reason each is needed. The rules behind every list:
 * - the same end state and the same Slack message as the workflow's run;
 * - ids, ETags and public material may travel in the execution's state (free); secret material
 *   may not (it would sit in the execution history), so a step that needs a secret reads it;
 * - the workflow's safety rules stay: a new credential is stored as AWSPENDING before it is used
 *   and tested before it becomes AWSCURRENT; nothing someone else made is removed unasked;
 * - no re-reads: each fact is read once per run, unless a wait separates the read from its use;
 * - but a read stays in when the workflow's own requirements need it: one its issue asks for in
 *   so many words (a read-back; a check made before a write that must then not be attempted);
 *   the rotation lock's reads (of two runs at once exactly one rotates, invariant 4; a write cannot
 *   tell whether a concurrent one landed after it, so the label is read again before it is
 *   relied on); and what a rerun must find out that the state cannot carry (a rerun after a
 *   crash is a new execution: "was Slack told?" lives on the secret).
 * What the calls above the minimum buy is ABOVE_MINIMUM, printed beside the figures in
 * docs/benchmarks.md.
 */
export interface MinimumCall {
  operation: string;
  count: number;
  why: string;
}

export const MINIMUM_CALLS: Record<string, MinimumCall[]> = {
  // The demo adopts the hand-made key its secret names and retires it after the grace period.
  'rotate-cloudfront-key': [
    {
      operation: 'GetKeyGroup',
      count: 2,
      why:
        'items (room for one more key) and the ETag; both travel in the state to the room check and to the UpdateKeyGroup (If-Match: a write someone made since answers PreconditionFailed, then a re-read); ' +
        'after the grace period, the group as it is then, for the removal\'s If-Match (a wait separates it from the first read)',
    },
    {
      operation: 'DescribeSecret',
      count: 4,
      why:
        'the labels at the start: is there a secret (not found on a first rotation), which version is AWSCURRENT, does another rotation hold AWSPENDING (the lock), was Slack told of this rotation (its tag); ' +
        'before the second AWSPENDING write: the label is not taken from a rotation or a person that took it since step 3; ' +
        'after the last AWSPENDING write, just before AWSCURRENT moves: a write cannot tell whether a concurrent one landed after it (exactly one of two runs rotates); these labels also name the version RemoveFromVersionId must give; ' +
        'after the grace period: which version is AWSCURRENT now (a key still current is never retired, invariant 7)',
    },
    { operation: 'ListPublicKeys', count: 1, why: "the account's quota of 10 public keys, checked before anything is created (invariant 6); a rerun finds its own key by the PublicKeyAlreadyExists its name answers, not by listing" },
    {
      operation: 'GetSecretValue',
      count: 6,
      why:
        'the current value at the start: the key it names is the one this rotation retires (stored by hand: adopted); ' +
        'this rotation\'s first token, not found: no earlier attempt of it was undone (a rerun cannot learn that from the state); ' +
        'the pending private key, to record the publicKeyId in the pending version (a version holds the whole value, and the private key may not travel from step 3 in the state: invariant 2); ' +
        'the pending private key again, to sign the test URL (a later Task: the key must be in the group first); ' +
        'after the grace period, the current value again (its key must not be the one retired); the Slack webhook',
    },
    { operation: 'PutSecretValue', count: 2, why: 'the private key as AWSPENDING, before its public key exists (a crash cannot strand a key nobody can sign with); then the same key with its publicKeyId (versions are immutable, so a second version)' },
    { operation: 'CreatePublicKey', count: 1, why: 'the new public key (its id travels in the state; its name makes a rerun find it)' },
    { operation: 'UpdateKeyGroup', count: 2, why: 'add the key, If-Match the ETag read at the start; after the grace period, take the adopted key out (keys the secret never named stay)' },
    { operation: 'UpdateSecretVersionStage', count: 2, why: 'move AWSCURRENT to the new version; take AWSPENDING off it (one label per call)' },
    { operation: 'GetPublicKey', count: 1, why: "the retired key's ETag, for DeletePublicKey's If-Match" },
    { operation: 'DeletePublicKey', count: 1, why: 'delete the adopted key once it is out of the group' },
    { operation: 'TagResource', count: 1, why: 'record on the secret that Slack was told of this rotation (a rerun after a crash tells Slack once; a rerun is a new execution, so the record cannot live in the state)' },
  ],
  'check-iam-cert-expiry': [
    { operation: 'ListServerCertificates', count: 1, why: 'MaxItems=1000 covers every certificate an account may hold; Expiration is in the metadata, so no GetServerCertificate' },
    { operation: 'GetSecretValue', count: 2, why: 'the thresholds already reported (not found on a first run); the Slack webhook' },
    { operation: 'CreateSecret', count: 1, why: 'first run: remember the thresholds reported; the check found no memory and says so in the state, so no second read (later runs: the memory is read again just before one PutSecretValue, to keep what another path prefix\'s schedule wrote meanwhile)' },
  ],
  'import-iam-server-cert': [
    { operation: 'GetSecretValue', count: 2, why: 'the certificate, chain and private key to import (AWSCURRENT, one call); the Slack webhook' },
    {
      operation: 'GetServerCertificate',
      count: 2,
      why:
        'before the upload: is the name free, or does it already hold this very certificate ("name not taken" is checked before UploadServerCertificate, and a taken name uploads nothing, not even a refused attempt carrying the private key; a rerun reports the certificate instead of uploading again); ' +
        'after it: the read-back that proves the upload ("upload, read it back, report")',
    },
    { operation: 'UploadServerCertificate', count: 1, why: 'the import' },
  ],
  'rotate-lightsail-bucket-key': [
    { operation: 'GetBucketAccessKeys', count: 2, why: 'before: keys and room (2 per bucket; the count travels in the state to the create step); after the wait: is the old key still used (lastUsed)' },
    {
      operation: 'DescribeSecret',
      count: 4,
      why:
        'the labels at the start: is there a secret (not found on a first rotation, so no GetSecretValue of AWSCURRENT), which version is AWSCURRENT, does another rotation hold AWSPENDING (the lock), was Slack told (its tag); ' +
        'after the AWSPENDING write: a write cannot tell whether a concurrent one landed after it (of two runs at once exactly one rotates, the other withdraws its new key); ' +
        'just before AWSCURRENT moves: the lock again (the test step runs in between) and the version RemoveFromVersionId must name; ' +
        'after the wait, before the old key is deleted: AWSCURRENT may have moved meanwhile, and the key it holds is never deleted (invariants 1 and 7); the same reads give the promotion record (tags)',
    },
    { operation: 'GetSecretValue', count: 2, why: 'the new key to test with (its secret may not travel in the state); the Slack webhook' },
    { operation: 'CreateBucketAccessKey', count: 1, why: 'the new key (its secret is returned once)' },
    { operation: 'CreateSecret', count: 1, why: 'first rotation: the secret does not exist (created without a value)' },
    { operation: 'PutSecretValue', count: 1, why: 'the new key as AWSPENDING' },
    { operation: 'ListObjectsV2', count: 1, why: 'one signed request with the new key against the bucket' },
    { operation: 'UpdateSecretVersionStage', count: 2, why: 'move AWSCURRENT; take AWSPENDING off' },
    { operation: 'DeleteBucketAccessKey', count: 1, why: 'the old key, unused since the switch' },
    {
      operation: 'TagResource',
      count: 2,
      why:
        'the promotion time, just before AWSCURRENT moves: the old key may be deleted only if its lastUsed is not later, and a rerun after a crash during the grace period (a new execution) must find the same time to reach the same end state (invariant 4); ' +
        'Slack was told of this rotation (a rerun after a crash tells Slack once)',
    },
  ],
  'rotate-apigw-client-cert': [
    {
      operation: 'GetStages',
      count: 2,
      why:
        "the API's stages and the client certificate they present; " +
        'after the wait, the stages of every API (the demo has one) that may present the old certificate, which is account-wide: it is untrusted and deleted only when none does (invariant 7)',
    },
    { operation: 'GetRestApis', count: 1, why: 'the APIs whose stages may present the old certificate (a stage of another API keeps it: a workflow test)' },
    {
      operation: 'GetClientCertificates',
      count: 1,
      why:
        "one listing answers: a certificate of this rotation (GenerateClientCertificate takes no token, so a rerun after a crash finds its certificate by the rotation's tag), the old certificate's expiry (is a rotation due), and the account's count (the quota of 60, checked before generating: invariant 6)",
    },
    { operation: 'GenerateClientCertificate', count: 1, why: 'the new certificate' },
    { operation: 'GetClientCertificate', count: 1, why: "the new certificate's PEM, read by the step that adds it to the trust store: invariant 2 keeps PEMs out of the execution's history, so it cannot travel from the generate step" },
    {
      operation: 'DescribeSecret',
      count: 2,
      why:
        "the trust store's labels at the start: does another rotation hold AWSPENDING (the lock), was Slack told (its tag); " +
        'after our claim (the AWSPENDING write) and before the new certificate is added: a write cannot tell whether a concurrent one landed after it (exactly one of two runs rotates)',
    },
    {
      operation: 'GetSecretValue',
      count: 4,
      why:
        'the trust store before adding (apply only our delta: Secrets Manager has no compare-and-swap, and entries others added stay); ' +
        'after the wait for the backend, before the stages switch: is the new certificate still trusted (switching otherwise cuts the backend off); ' +
        'after the second wait, before removing the old one (someone may have edited it); the Slack webhook',
    },
    { operation: 'PutSecretValue', count: 3, why: 'the claim, labelled AWSPENDING (the rotation lock: AWSCURRENT changes twice in one rotation, so it cannot carry the lock); trust store with both certificates; then without the old one' },
    { operation: 'UpdateStage', count: 2, why: 'one per stage (the demo API has two); its answer (the stage as it is now) verifies the switch' },
    { operation: 'UpdateSecretVersionStage', count: 1, why: 'release the lock: take AWSPENDING off the claim' },
    { operation: 'DeleteClientCertificate', count: 1, why: 'the old certificate, which no stage of any API presents (as the check after the wait found, no wait since)' },
    { operation: 'TagResource', count: 1, why: 'record on the trust store that Slack was told of this rotation (a rerun after a crash tells Slack once)' },
  ],
};

/**
 * Why a routine run makes more calls than MINIMUM_CALLS, per workflow: what each extra call buys
 * and what removing it would cost. A workflow whose calls exceed its minimum without an entry
 * here is reported as unexplained.
 */
export const ABOVE_MINIMUM: Record<string, string> = {
  'rotate-cloudfront-key':
    'one DescribeSecret: the lock read right after the first AWSPENDING write (cloudfrontStorePendingKey). Of two runs that both passed step 1, the one whose write came first stops there, before creating anything in CloudFront; without it, step 5\'s read stops it after it created a public key, which its undo must then delete. ' +
    'One GetKeyGroup and one GetPublicKey: removing the old key and deleting it are two Tasks, each reading what it acts on, so a crash between them leaves a rerun that checks before it deletes (the group no longer holds the key; the key is still the one named).',
  'rotate-apigw-client-cert':
    "one DescribeSecret: the lock read just before the claim, in the claim's own Task (Generate). Step 1's read is a Task earlier, and no step after the claim's check reads the lock again: a run that claimed after the other run's check would take the lock from it unseen, and both would rotate.",
};

export const minimumTotal = (workflow: string): number | undefined => MINIMUM_CALLS[workflow]?.reduce((n, c) => n + c.count, 0);
