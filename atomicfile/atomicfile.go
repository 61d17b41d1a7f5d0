// Package atomicfile replaces a file in one step on every release target:
// a reader sees the old file or the new one, never a part, and the new file
// has exactly the mode asked for (never a looser one left by an old file),
// and a symbolic link at the path is replaced, not written through.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix is how every temp file of path's write begins: "." and the
// file's name, followed by decimal digits (renameio's naming, and
// os.CreateTemp's with a "*" pattern).
func TempPrefix(path string) string { return "." + filepath.Base(path) }

// IsTemp reports whether name (a file name, no directory) is a temp file
// of a write to a file called base.
func IsTemp(name, base string) bool {
	digits, ok := strings.CutPrefix(name, "."+base)
	if !ok || digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Stale lists the temp files of writes to path left in its directory by
// a write that never finished (a crash or a kill). Only a caller that
// knows no write to path is under way (it holds the lock every writer
// takes) may remove them.
func Stale(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && IsTemp(e.Name(), base) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// writeViaTemp writes data to a temporary file beside path (same directory,
// so the same file system), flushes it to disk, gives it perm, and puts it
// in place with replace. A reader sees the old file or the new one, never a
// part; on any failure the old file is untouched and the temporary file is
// removed. Windows uses it with MoveFileEx; Unix has renameio. Its name is one
// that Stale finds.
func writeViaTemp(path string, data []byte, perm os.FileMode, replace func(from, to string) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+"*")
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
