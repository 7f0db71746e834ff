// Image references as Kubernetes objects carry them.

/** The tag of an image reference ("docker.io/istio/proxyv2:1.30.3@sha256:..." → "1.30.3"). */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const ref = image.split('@')[0];
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}
