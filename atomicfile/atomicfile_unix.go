//go:build !windows

package atomicfile

import (
	"os"

	"github.com/google/renameio/v2"
)

// WriteFile replaces path with data, mode exactly perm (whatever the
// old file's mode or the umask), atomically: temp file, fsync, rename.
// (renameio.WriteFile would keep a loose mode of the old file.)
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := renameio.NewPendingFile(path, renameio.WithPermissions(perm), renameio.WithStaticPermissions(perm))
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.CloseAtomicallyReplace()
}
