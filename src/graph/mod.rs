//! The attack graph: node and edge types, the builder that joins a tenant snapshot with code
//! effects, and path search.
