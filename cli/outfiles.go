package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/tokenbench/tokenbench/bundle"
	"github.com/tokenbench/tokenbench/textsafe"
)

// The files a command writes for a ticket (--har, --bundle) are new files:
// one already at the path is refused before anything runs (exit 2), and
// the write itself is exclusive, so a file that appears meanwhile is not
// replaced either. --force replaces, atomically.

func bindForce(f *pflag.FlagSet, p *bool, files string) {
	f.BoolVar(p, "force", false, "replace a file already at the "+files+" path (atomically); without it, an existing file is refused")
}

func bindWholeSession(f *pflag.FlagSet, p *bool) {
	f.BoolVar(p, "bundle-whole-session", false, "put every exchange of the run in the bundle, not only its user's and account's (may carry other users' data)")
}

// refuseExisting fails with exit 2 when a file the command would write is
// already there and force is not set: before a flow spends a code.
func refuseExisting(force bool, flagPaths ...string) error {
	// Two flags naming one file: the second write would take the first's
	// place (--force) or fail after the run.
	seen := map[string]string{}
	for i := 0; i+1 < len(flagPaths); i += 2 {
		if flagPaths[i+1] == "" {
			continue
		}
		abs, err := filepath.Abs(flagPaths[i+1])
		if err != nil {
			return &usageError{fmt.Errorf("--%s: %w", flagPaths[i], err)}
		}
		if other, ok := seen[abs]; ok {
			return &usageError{fmt.Errorf("--%s and --%s name the same file, %s", other, flagPaths[i], textsafe.Sanitize(abs))}
		}
		seen[abs] = flagPaths[i]
	}
	if force {
		return nil
	}
	for i := 0; i+1 < len(flagPaths); i += 2 {
		flag, path := flagPaths[i], flagPaths[i+1]
		if path == "" {
			continue
		}
		var ex *bundle.ExistsError
		if err := bundle.CheckNew(path); errors.As(err, &ex) {
			return &exitError{code: ExitUsage, err: fmt.Errorf("--%s %s: the file exists; not replaced (--force replaces it)", flag, textsafe.Sanitize(ex.Path))}
		}
	}
	return nil
}

// refuseExistingFile fails with exit 2 when a file a command would write
// (named by an argument, not a flag) is there and force is not set.
func refuseExistingFile(force bool, what, path string) error {
	if force {
		return nil
	}
	var ex *bundle.ExistsError
	if err := bundle.CheckNew(path); errors.As(err, &ex) {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%s %s: the file exists; not replaced (--force replaces it)", what, textsafe.Sanitize(ex.Path))}
	}
	return nil
}

// existsHint adds how to replace to a refused write.
func existsHint(err error) error {
	var ex *bundle.ExistsError
	if errors.As(err, &ex) {
		return fmt.Errorf("%w (--force replaces it)", err)
	}
	return err
}
