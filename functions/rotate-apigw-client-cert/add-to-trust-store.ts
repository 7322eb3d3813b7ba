/** Task "Add new certificate to trust store". */
import { z } from 'zod';
import { addNewCertificateToTrustStore } from '../../src/apigateway/rotation';
import { certificateIdField } from './lib/fields';
import { configField, stepHandler } from './lib/step-handler';

const event = z.object({ config: configField, clientCertificateId: certificateIdField });

export const handler = stepHandler(event, ({ config, clientCertificateId }, deps) => addNewCertificateToTrustStore(deps, config, clientCertificateId));
