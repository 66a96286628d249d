//! Rule registry: every rule has a stable id, title, severity, category, the data it reads and a
//! remediation. Single-object checks and attack-path rules both register here.
