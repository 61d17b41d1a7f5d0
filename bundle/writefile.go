package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tokenbench/tokenbench/textsafe"
)

// ExistsError is a file that is already there and was not replaced.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return textsafe.Sanitize(e.Path) + " exists; not replaced"
}

// Unwrap makes errors.Is(err, fs.ErrExist) hold.
func (e *ExistsError) Unwrap() error { return fs.ErrExist }

// CheckNew says whether path may be written without replace: an
// ExistsError when something (a file, a directory, a link, even a dangling
// one) is there. It is advice for failing early, before a flow runs; the
// write itself is exclusive whatever happens in between.
func CheckNew(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(abs); err == nil {
		return &ExistsError{Path: abs}
	}
	return nil
}

// WriteFile writes data at path (0600) and returns its absolute path. A
// reader never sees half a file: data goes to a temporary file beside the
// target first, synced, then into place. Without replace that is a hard
// link, which the kernel refuses when anything is at path (a file, a
// link, a link to nowhere): no other writer and no link planted between a
// check and the write is ever replaced or written through. With replace it
// is a rename, which replaces atomically. The temporary file is removed on
// every path.
func WriteFile(path string, data []byte, replace bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir, base := filepath.Split(abs)
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a link or on failure; gone after a rename
	if err := writeSync(tmp, data); err != nil {
		return "", err
	}
	if replace {
		if err := os.Rename(tmpName, abs); err != nil {
			return "", err
		}
		syncDir(dir)
		return abs, nil
	}
	switch err := os.Link(tmpName, abs); {
	case err == nil:
	case errors.Is(err, fs.ErrExist):
		return "", &ExistsError{Path: abs}
	default:
		// A file system without hard links: an exclusive create, which
		// is as safe against replacing, though a reader may see the file
		// being written.
		if werr := writeExclusive(abs, data); werr != nil {
			return "", werr
		}
	}
	syncDir(dir)
	return abs, nil
}

func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeExclusive creates path, refusing anything there, and removes what
// it created if the write fails.
func writeExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return &ExistsError{Path: path}
	}
	if err != nil {
		return err
	}
	if err := writeSync(f, data); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// syncDir makes a new name durable; a failure loses nothing written.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
