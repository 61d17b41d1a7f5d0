// Package atomicfile replaces a file in one step on every release target:
// a reader sees the old file or the new one, never a part, and the new file
// has exactly the mode asked for (never a looser one left by an old file),
// and a symbolic link at the path is replaced, not written through.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeViaTemp writes data to a temporary file beside path (same directory,
// so the same file system), flushes it to disk, gives it perm, and puts it
// in place with replace. A reader sees the old file or the new one, never a
// part; on any failure the old file is untouched and the temporary file is
// removed. Windows uses it with MoveFileEx; Unix has renameio.
func writeViaTemp(path string, data []byte, perm os.FileMode, replace func(from, to string) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	// Without the flush a crash after the rename can leave an empty file.
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = replace(tmp, path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}
