//! The controller for `Auth0Integration`: credentials (Vault or a Secret), scan Jobs, receiver
//! children and status.
