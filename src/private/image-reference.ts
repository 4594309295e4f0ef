import { Token } from 'aws-cdk-lib';
import { fail, show, type Subject } from './errors';
import { assertString } from './names';

// Image references, after the grammar of github.com/distribution/reference (reference.go): an optional registry host
// (with an optional port), a path of lowercase components, then a tag and/or a digest.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(${REPOSITORY})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const MAX_REPOSITORY_LENGTH = 255;

/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, ... */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Throws unless `image` (the prop `image` of a Kubernetes object we write) is a container image reference with a tag
 * or a digest; tokens pass. `example` is shown in the message.
 */
export function assertImageReference(subject: Subject, image: unknown, example: string): void {
  assertString(subject, 'image', image);
  if (Token.isUnresolved(image)) return;
  const expected = `<registry>/<repository>:<tag> or <registry>/<repository>@<algorithm>:<digest>, e.g. ${example}`;
  const match = IMAGE_REFERENCE.exec(image);
  if (!match || match[1].length > MAX_REPOSITORY_LENGTH) {
    fail(subject, `image ${show(image)} is not an image reference`, expected);
  }
  if (match[2] === undefined && match[3] === undefined) {
    fail(subject, `image ${show(image)} has neither a tag nor a digest`, expected,
      'pin a release tag or a digest: an image without one is whatever :latest is when a node pulls it');
  }
}
