/** Task "Read certificate back from IAM": confirm IAM holds what was uploaded. */
import { z } from 'zod';
import { confirmServerCertificate } from '../../src/iam/import-server-certificate';
import { parseInput } from '../../src/iam/workflow-inputs';
import { stepHandler } from './lib/wiring';

const eventSchema = z.strictObject({ serverCertificateName: z.string(), serverCertificateId: z.string(), arn: z.string() });

export const handler = stepHandler(async (event, deps) => confirmServerCertificate(deps.iam, parseInput(eventSchema, event), deps.log));
