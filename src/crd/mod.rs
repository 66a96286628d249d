//! The two custom resources, `Auth0Integration` and `Auth0Finding` (group `authpath.dev`,
//! version `v1alpha1`), and the generator behind `authpath crdgen`.
