package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"

	"github.com/tokenbench/tokenbench/textsafe"
)

// UntrustedFileError is a profiles file that someone other than the user
// can change: its owner is another user, or others can write it or the
// directory it is in. Such a file could name a command to run (cmd:), a
// variable to read (env:) or the base URL a stored secret is sent to, so,
// as ssh does with its config, tokenbench reads no secret for its
// profiles (and asks for none) until it is fixed.
type UntrustedFileError struct {
	Path   string // the profiles file
	Reason string // who else can change it
	Fix    string // the command that fixes it
}

func (e *UntrustedFileError) Error() string {
	return fmt.Sprintf("profiles file %s %s: its cmd:/env: secret sources are not run and no secret is sent to its base URLs; fix with: %s",
		textsafe.Sanitize(e.Path), textsafe.Sanitize(e.Reason), textsafe.Sanitize(e.Fix))
}

// CheckTrust returns an *UntrustedFileError when the profiles file (the
// file a symlink points to) is not owned by the user (or root) or can be
// written by group or others, or its directory is not owned by the user
// (or root) or can be written by others without the sticky bit; nil
// otherwise, and when there is neither file nor directory. Windows has no
// such owner and mode bits: nothing is checked there (the config directory
// under %AppData% is the user's by its ACL).
func (s *Store) CheckTrust() error {
	if s == nil || !ownershipKnown {
		return nil
	}
	path := s.Path()
	importFix := "tokenbench profile import " + shellQuote(path) + " (it copies the profiles into your own config directory, cmd:/env: sources turned to keyring)"
	chownFix := func(p string) string {
		return "chown " + currentUser() + " " + shellQuote(p) + " if it is yours, else " + importFix
	}
	dir := s.Dir
	if real, err := filepath.EvalSymlinks(path); err == nil {
		fi, err := os.Stat(real)
		if err != nil {
			return fmt.Errorf("checking profiles file: %w", err)
		}
		switch reason, owner := changeableByOthers(fi, false); {
		case reason != "" && owner:
			return &UntrustedFileError{Path: path, Reason: reason, Fix: chownFix(real)}
		case reason != "":
			return &UntrustedFileError{Path: path, Reason: reason, Fix: "chmod go-w " + shellQuote(real)}
		}
		dir = filepath.Dir(real)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("checking profiles file: %w", err)
	}
	// The directory too: whoever can write it can put another file there.
	// Checked also when the file is gone: it may have been removed since
	// its profiles were read.
	realDir, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking config directory: %w", err)
	}
	fi, err := os.Stat(realDir)
	if err != nil {
		return fmt.Errorf("checking config directory: %w", err)
	}
	switch reason, owner := changeableByOthers(fi, true); {
	case reason != "" && owner:
		return &UntrustedFileError{Path: path, Reason: "is in directory " + shellQuote(realDir) + ", which " + reason, Fix: chownFix(realDir)}
	case reason != "":
		return &UntrustedFileError{Path: path, Reason: "is in directory " + shellQuote(realDir) + ", which " + reason, Fix: "chmod go-w " + shellQuote(realDir)}
	}
	return nil
}

// currentUser is the user's name for a chown the user copies, quoted.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return shellQuote(u.Username)
	}
	return "$USER"
}
