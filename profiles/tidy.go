package profiles

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/tokenbench/tokenbench/atomicfile"
)

// Headers that begin every file the store writes; a leftover temp file is
// recognised by them before it is removed.
const (
	profilesHeader = "# tokenbench profiles."
	secretsHeader  = "# tokenbench secrets in PLAIN TEXT"
)

// staleTemps lists the temp files that writes of the profiles and secrets
// files (and the keyring id) left in the config directory when they were killed mid-write.
func (s *Store) staleTemps() []string {
	var out []string
	for _, name := range []string{FileName, SecretsFileName, KeyringIDFileName} {
		found, _ := atomicfile.Stale(filepath.Join(s.Dir, name))
		out = append(out, found...)
	}
	return out
}

// removeStaleTemps removes them; the caller holds the store's lock, which
// every writer of those files holds while its temp file exists, so none of
// them is a write under way.
func (s *Store) removeStaleTemps() {
	for _, path := range s.staleTemps() {
		_ = os.Remove(path)
	}
}

// tidy is what a start does about a crash: temp files in the config
// directory are removed (under the lock), and, once per process, the
// copies of profiles and secrets files that older versions left in
// $TMPDIR (renameio chose it when it was on the same file system).
func (s *Store) tidy() {
	removeOldTempCopies()
	if len(s.staleTemps()) > 0 {
		_ = s.locked(func() error { return nil }) // locked removes them
	}
}

var removeOldTempCopies = sync.OnceFunc(func() { removeTempCopiesIn(os.TempDir()) })

// removeTempCopiesIn removes from dir the temp files of this user that
// hold a tokenbench profiles or secrets file: named as a temp file of
// either, a regular file, this user's, and beginning with one of the
// headers the store writes. Anything else is left alone.
func removeTempCopiesIn(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !(atomicfile.IsTemp(name, FileName) || atomicfile.IsTemp(name, SecretsFileName)) {
			continue
		}
		path := filepath.Join(dir, name)
		if ours(path) {
			_ = os.Remove(path)
		}
	}
}

func ours(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || !ownedByMe(fi) {
		return false
	}
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	return bytes.HasPrefix(head, []byte(profilesHeader)) || bytes.HasPrefix(head, []byte(secretsHeader))
}
