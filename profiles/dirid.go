package profiles

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zalando/go-keyring"

	"github.com/tokenbench/tokenbench/atomicfile"
	"github.com/tokenbench/tokenbench/textsafe"
)

// KeyringIDFileName holds the config directory's keyring id.
//
// Keyring items used to be named by profile name alone, so a profiles.yaml
// in any other directory (another --config-dir, a shared folder, the
// target of an import) named this directory's secrets: it read them and
// sent them to its own base_url, and its add and rm wrote over and deleted
// them. Now every item's name holds a random id that only this directory
// keeps (0600, in a 0700 directory): no other directory can name it.
//
// The file also records the directory it was made in. A directory copied
// elsewhere (cp -r, a backup unpacked beside the original) carries the
// file, but the original is still there with the same id: the copy then
// takes an id of its own and starts with no keyring secrets, instead of
// sharing (and deleting) the original's. A directory moved (the original
// path gone or holding another id) keeps its id and its secrets.
const KeyringIDFileName = ".keyring-id"

const keyringIDHeader = "# tokenbench: the OS keyring names this directory's secrets with this id.\n# A copy of the directory gets an id of its own (and none of these secrets).\n"

// keyringIDFile is the parsed file. legacy says the directory held a
// profiles file when it got its id: it was used by a version that named
// keyring items by profile alone, and may take those items (a directory
// made by this version never does, so a scratch directory's first add
// cannot take another directory's old item).
type keyringIDFile struct {
	id, dir string
	legacy  bool
}

func readKeyringID(path string) (keyringIDFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return keyringIDFile{}, err
	}
	var f keyringIDFile
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		switch {
		case !ok:
		case k == "id":
			f.id = v
		case k == "dir":
			f.dir = v
		case k == "legacy":
			f.legacy = v == "yes"
		}
	}
	if !validKeyringID(f.id) {
		return keyringIDFile{}, fmt.Errorf("%s does not hold a keyring id; remove it and store this directory's secrets again", path)
	}
	return f, nil
}

func validKeyringID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && strings.ToLower(id) == id
}

func writeKeyringID(path string, f keyringIDFile) error {
	legacy := "no"
	if f.legacy {
		legacy = "yes"
	}
	return atomicfile.WriteFile(path, []byte(keyringIDHeader+"id: "+f.id+"\ndir: "+f.dir+"\nlegacy: "+legacy+"\n"), 0o600)
}

func newKeyringID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// canonicalDir is dir as the id file records it: absolute, links resolved.
func canonicalDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Clean(dir)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// sameDir reports whether the paths a and b name one directory.
func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// keyringID is the config directory's keyring id, made (and the entries
// older versions named by profile alone moved under it) on first use.
func (s *Secrets) keyringID() (string, error) {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	if s.id != "" {
		return s.id, nil
	}
	if err := os.MkdirAll(s.Store.Dir, 0o700); err != nil {
		return "", fmt.Errorf("config directory: %w", err)
	}
	// The usual case reads the file and takes no lock: a refresh must not
	// wait behind another process's write to store a rotated token.
	if f, err := readKeyringID(filepath.Join(s.Store.Dir, KeyringIDFileName)); err == nil && sameDir(f.dir, canonicalDir(s.Store.Dir)) {
		s.id, s.legacy = f.id, f.legacy && s.isDefaultDir()
		return f.id, nil
	}
	var f keyringIDFile
	made := false
	err := s.Store.locked(func() error {
		var err error
		f, made, err = s.loadOrMakeKeyringID()
		return err
	})
	if err != nil {
		return "", fmt.Errorf("naming this directory's keyring secrets: %w", err)
	}
	s.id, s.legacy = f.id, f.legacy && s.isDefaultDir()
	if made && s.legacy {
		s.migrateLegacy(f.id)
	}
	return f.id, nil
}

// loadOrMakeKeyringID reads the id file, or makes it; made says the
// directory had none (a copy gets a new one too, but takes nothing). The
// caller holds the store's lock.
func (s *Secrets) loadOrMakeKeyringID() (keyringIDFile, bool, error) {
	path := filepath.Join(s.Store.Dir, KeyringIDFileName)
	here := canonicalDir(s.Store.Dir)
	f, err := readKeyringID(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		id, err := newKeyringID()
		if err != nil {
			return f, false, err
		}
		_, statErr := os.Lstat(s.Store.Path())
		f = keyringIDFile{id: id, dir: here, legacy: statErr == nil}
		return f, true, writeKeyringID(path, f)
	case err != nil:
		return f, false, err
	case sameDir(f.dir, here):
		return f, false, nil
	}
	if orig, err := readKeyringID(filepath.Join(f.dir, KeyringIDFileName)); err == nil && orig.id == f.id {
		// A copy: the original is there with this id. The copy starts
		// afresh, and takes no old item either.
		id, err := newKeyringID()
		if err != nil {
			return f, false, err
		}
		s.copyOf = f.dir
		f = keyringIDFile{id: id, dir: here}
		return f, false, writeKeyringID(path, f)
	}
	// Moved: the secrets come along.
	f.dir = here
	return f, false, writeKeyringID(path, f)
}

// legacyKeyringUser is how older versions named a keyring item: by
// profile name alone, shared by every directory.
func legacyKeyringUser(profile string, k Kind) string {
	return "profile:" + profile + ":" + string(k)
}

// keyringUser names the item of secret k of profile in the directory
// with keyring id id. Credential Manager (Windows) compares names without
// case, so the name is spelt in lower case with '^' before each letter
// that was upper case: Prod and prod never share an item. ('^' is in no
// profile name.)
func keyringUser(id, profile string, k Kind) string {
	var b strings.Builder
	b.WriteString("dir:" + id + ":profile:")
	for _, r := range profile {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('^')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	b.WriteString(":" + string(k))
	return b.String()
}

// isDefaultDir says whether this is the config directory older versions
// used when none was named. Only it takes their items on its own: an old
// item is named by profile alone, so any directory with a profiles file
// naming "prod" (a colleague's shared folder, a git checkout, an unpacked
// archive) could otherwise take the user's old "prod" secret and send it
// to its own base_url. Another directory an older version used (through
// --config-dir or $TOKENBENCH_CONFIG_DIR) takes them only when asked
// (AdoptLegacy); until then they stay where they are.
func (s *Secrets) isDefaultDir() bool {
	return s.DefaultDir != "" && sameDir(canonicalDir(s.DefaultDir), canonicalDir(s.Store.Dir))
}

// migrateLegacy moves the items older versions kept for this directory's
// profiles under this directory's names, when the directory is the
// default one and was used by those versions (legacy): it takes
// them, and no other can name them after. An item already under
// the new name is kept, and the old one left alone. Failures (a locked
// keyring) are left for the next read (takeLegacy).
func (s *Secrets) migrateLegacy(id string) {
	ps, err := s.Store.Load()
	if err != nil {
		return
	}
	for _, p := range ps {
		for _, k := range Kinds {
			if SourceOf(p, k) == SourceKeyring {
				_, _ = s.takeLegacy(id, p.Name, k)
			}
		}
	}
}

// takeLegacy moves one old item under its new name and returns its value
// (keyring.ErrNotFound when there is none). The new item is written
// before the old one is deleted: nothing is lost in between.
func (s *Secrets) takeLegacy(id, profile string, k Kind) (string, error) {
	v, err := s.Keyring.Get(KeyringService, legacyKeyringUser(profile, k))
	if err != nil {
		return "", err
	}
	if _, err := s.Keyring.Get(KeyringService, keyringUser(id, profile, k)); err == nil {
		return "", keyring.ErrNotFound // the new item wins; the old is not ours to delete
	}
	if err := s.Keyring.Set(KeyringService, keyringUser(id, profile, k), v); err != nil {
		return "", err
	}
	_ = s.Keyring.Delete(KeyringService, legacyKeyringUser(profile, k))
	return v, nil
}

// AdoptLegacy moves under this directory's names the items older versions
// kept for the named profiles of this directory whose secrets are in the
// keyring (every such profile when names is empty): the explicit way for a
// directory other than the default one to take them. It returns what it
// moved, as "profile kind". An item this directory already has is kept,
// and the old one left alone.
func (s *Secrets) AdoptLegacy(names []string) ([]string, error) {
	id, err := s.keyringID()
	if err != nil {
		return nil, err
	}
	ps, err := s.Store.Load()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		if _, err := s.Store.Get(n); err != nil {
			return nil, fmt.Errorf("%w: %s", err, n)
		}
		want[n] = true
	}
	var moved []string
	for _, p := range ps {
		if len(want) > 0 && !want[p.Name] {
			continue
		}
		for _, k := range Kinds {
			if SourceOf(p, k) != SourceKeyring {
				continue
			}
			_, err := s.takeLegacy(id, p.Name, k)
			switch {
			case err == nil:
				moved = append(moved, p.Name+" "+string(k))
			case !errors.Is(err, keyring.ErrNotFound):
				return moved, fmt.Errorf("adopting %s of %s: %w", k, p.Name, err)
			}
		}
	}
	return moved, nil
}

// legacyNote explains a missing keyring secret that an older version
// still keeps under the profile's name alone, in a directory that does not
// take such items on its own.
func (s *Secrets) legacyNote(profile string, k Kind) string {
	if s.legacyOK() {
		return ""
	}
	if _, err := s.Keyring.Get(KeyringService, legacyKeyringUser(profile, k)); err != nil {
		return ""
	}
	return fmt.Sprintf("; an older version kept a %s for a profile named %s, which only the default config directory takes on its own: if it is this directory's, take it with tokenbench --config-dir %s profile adopt-legacy-secrets %s",
		k, textsafe.Sanitize(profile), shellWord(textsafe.Sanitize(s.Store.Dir)), textsafe.Sanitize(profile))
}

// copyNote explains a missing keyring secret in a copied directory.
func (s *Secrets) copyNote() string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	if s.copyOf == "" {
		return ""
	}
	return fmt.Sprintf(" (this directory is a copy of %s, whose keyring secrets stay with it: store them here with profile edit --update-secrets)", textsafe.Sanitize(s.copyOf))
}

func (s *Secrets) legacyOK() bool {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.legacy
}

// markNew gives a directory whose profiles file this version is about to
// write first its keyring id, as one that never takes an older version's
// items (an import into a scratch directory must not take the items of
// the directory it was exported from). The caller holds the store's lock.
func (s *Store) markNew() error {
	if _, err := os.Lstat(s.Path()); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	path := filepath.Join(s.Dir, KeyringIDFileName)
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	id, err := newKeyringID()
	if err != nil {
		return err
	}
	return writeKeyringID(path, keyringIDFile{id: id, dir: canonicalDir(s.Dir)})
}

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
