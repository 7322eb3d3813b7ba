/**
 * How many alerts the Slack digest lists one by one: Slack caps a message at 50 blocks. The
 * check step passes only these to the digest step (the rest are counted), so the state stays
 * within Step Functions' 256 KiB however many certificates are within a threshold.
 */
export const MAX_LISTED = 40;
