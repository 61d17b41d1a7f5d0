//go:build !windows

package atomicfile

import (
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// WriteFile replaces path with data, mode exactly perm (whatever the
// old file's mode or the umask), atomically: temp file beside path, fsync,
// rename, fsync of the directory. (renameio.WriteFile would keep a loose
// mode of the old file.)
//
// The temp file is always in path's directory: left to itself renameio
// picks $TMPDIR when it is on the same file system, and a crash mid-write
// then leaves a copy of the file (secrets.yaml: every secret in it) in a
// shared directory that nothing cleans. Beside its target, a leftover is
// found and removed by Stale's caller, and is as private as the target.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithPermissions(perm), renameio.WithStaticPermissions(perm))
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.CloseAtomicallyReplace(); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable: without it a power cut can bring
// back the old file after WriteFile returned.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
