import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { fail, show, type Subject } from '../private/errors';

// App Mesh mesh names (App Mesh API, CreateMesh `meshName`): 1 to 255 letters, digits, '-' and '_'.
const MESH_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The ARNs of the given meshes and of everything in them (`mesh/<name>`, `mesh/<name>/*`), in the stack's account and
 * region; at least one mesh. Shared by the App Mesh controller and the Envoy proxy.
 */
export function meshArnsOf(subject: Subject, scope: Construct, meshNames: readonly string[] | undefined,
  what: string): { meshes: string[]; inMeshes: string[] } {
  if (meshNames !== undefined && !Array.isArray(meshNames)) fail(subject, `meshNames is ${show(meshNames)}`, 'a list');
  if ((meshNames ?? []).length === 0) {
    fail(subject, 'meshNames is not given', what, 'a policy on every mesh of the account is what this library does not write');
  }
  for (const name of meshNames!) {
    if (typeof name !== 'string' || (!Token.isUnresolved(name) && !MESH_NAME.test(name))) {
      fail(subject, `meshNames has ${show(name)}`, 'a mesh name: 1 to 255 letters, digits, - and _');
    }
  }
  const stack = Stack.of(scope);
  const mesh = (name: string) => `arn:${stack.partition}:appmesh:${stack.region}:${stack.account}:mesh/${name}`;
  const unique = [...new Set(meshNames)];
  return { meshes: unique.map(mesh), inMeshes: unique.map(name => `${mesh(name)}/*`) };
}
