//! A local "container" process in its own process group, so stopping it also stops anything it
//! started (a shell's children, for example). Dropping a [`GroupChild`] kills the whole group.

use std::path::Path;
use std::process::ExitStatus;

use tokio::process::{Child, Command};

use crate::error::E2eError;

/// A running process that leads its own process group.
pub struct GroupChild {
    child: Child,
    group: Option<i32>,
}

impl GroupChild {
    /// Spawns `command` as the leader of a new process group.
    pub fn spawn(mut command: Command, program: &Path) -> Result<GroupChild, E2eError> {
        command.process_group(0).kill_on_drop(true);
        let child = command.spawn().map_err(|source| E2eError::Spawn {
            program: program.to_path_buf(),
            source,
        })?;
        let group = child.id().and_then(|pid| i32::try_from(pid).ok());
        Ok(GroupChild { child, group })
    }

    /// The process group id (the leader's pid).
    pub fn group(&self) -> Option<i32> {
        self.group
    }

    /// Waits for the group leader to exit.
    pub async fn wait(&mut self, program: &Path) -> Result<ExitStatus, E2eError> {
        self.child.wait().await.map_err(|source| E2eError::Spawn {
            program: program.to_path_buf(),
            source,
        })
    }
}

/// Sends SIGKILL to process group `group` (never to group 0 or 1).
pub fn kill_group(group: i32) {
    if group > 1 {
        // SAFETY: kill(2) with a negative pid signals a process group; it touches no memory.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

impl Drop for GroupChild {
    fn drop(&mut self) {
        if let Some(group) = self.group {
            kill_group(group);
        }
    }
}
