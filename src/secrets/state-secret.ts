/**
 * keyturn's own state secrets (not credentials): one JSON value, written whole, the secret created
 * on the first write. Secrets Manager has no "create or update": `expect` says which the caller
 * usually meets, so the usual case costs one call; a racing writer that created the secret
 * meanwhile is written over.
 */
import { CreateSecretCommand, PutSecretValueCommand, ResourceExistsException, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { translateSecretsError, type SecretsClient } from './credential-store';

export async function writeStateSecret(
  secrets: SecretsClient,
  name: string,
  value: string,
  /** `tags` go on a created secret (CreateSecret with Tags also needs secretsmanager:TagResource). */
  options: { description: string; expect: 'new' | 'existing'; tags?: { Key: string; Value: string }[] },
): Promise<void> {
  const put = () => secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  const create = () => secrets.send(new CreateSecretCommand({ Name: name, SecretString: value, Description: options.description, ...(options.tags ? { Tags: options.tags } : {}) }));
  try {
    if (options.expect === 'existing') {
      try {
        await put();
        return;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
    try {
      await create();
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw error;
      await put();
    }
  } catch (error) {
    throw translateSecretsError(error, name);
  }
}
