//! The Auth0 Log Stream receiver: HTTP ingest, event classification, detections and correlation
//! with surfaced findings.
