//! The writer lock of a store: one process writes a store at a time, by design.
//!
//! SQLite serializes writers itself, but only per transaction and with a timeout ("database is
//! locked" after it), and the linker's memory and the search index writer belong to one
//! process: two processes writing one store would each link against a stale picture and one
//! of them would find the index locked. So a writer ([`crate::Writer`]) holds `<db>/writer.lock`
//! (an advisory lock of the operating system, released when the process ends, even by a kill)
//! for as long as it writes; who holds it is written in the file for the others' messages.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file inside a store directory.
pub const LOCK_FILE: &str = "writer.lock";

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
    path: PathBuf,
}

fn open(db: &Path) -> std::io::Result<(File, PathBuf)> {
    std::fs::create_dir_all(db)?;
    let path = db.join(LOCK_FILE);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    Ok((file, path))
}

impl WriterLock {
    /// Takes the lock of the store in `db` if no other writer holds it (`None` if one does).
    /// `who` says who we are (e.g. "marsad ingest") in the others' messages.
    pub fn try_acquire(db: &Path, who: &str) -> std::io::Result<Option<WriterLock>> {
        let (file, path) = open(db)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(e),
        }
        let mut l = WriterLock { file, path };
        l.describe(who)?;
        Ok(Some(l))
    }

    /// Takes the lock, waiting for the writer holding it to finish.
    pub fn acquire(db: &Path, who: &str) -> std::io::Result<WriterLock> {
        let (file, path) = open(db)?;
        file.lock()?;
        let mut l = WriterLock { file, path };
        l.describe(who)?;
        Ok(l)
    }

    fn describe(&mut self, who: &str) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        writeln!(self.file, "{who} (pid {})", std::process::id())?;
        self.file.flush()
    }

    /// Path of the lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Whoever comes next writes its own line; an empty file says nobody holds it.
        let _ = self.file.set_len(0);
    }
}

/// Who holds the lock of the store in `db`, as the holder described itself ("marsad serve
/// (pid 123)"), or `None` when the file says nothing.
pub fn holder(db: &Path) -> Option<String> {
    let mut s = String::new();
    File::open(db.join(LOCK_FILE))
        .ok()?
        .read_to_string(&mut s)
        .ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::try_acquire(dir.path(), "first")
            .unwrap()
            .unwrap();
        assert!(WriterLock::try_acquire(dir.path(), "second")
            .unwrap()
            .is_none());
        assert!(holder(dir.path()).unwrap().starts_with("first (pid "));
        drop(first);
        assert_eq!(holder(dir.path()), None);
        let second = WriterLock::try_acquire(dir.path(), "second").unwrap();
        assert!(second.is_some());
    }
}
