// Placeholder until this service is implemented: answers every request with an AWS-shaped error.
import { AwsError, json, type ServiceModule } from '../protocol';

export const cloudfront: ServiceModule = {
  service: 'cloudfront',
  matches: () => false,
  operation: () => 'Unknown',
  handle: () => {
    throw new AwsError('NotImplemented', 501, 'cloudfront is not simulated yet');
  },
  renderError: (error) => json(error.status, { __type: error.code, message: error.message }),
  throttlingError: () => new AwsError('ThrottlingException', 400, 'Rate exceeded'),
};
