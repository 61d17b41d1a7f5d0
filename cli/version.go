package cli

import (
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set at release time with -ldflags "-X github.com/tokenbench/tokenbench/cli.Version=…".
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// BuildInfo is what `tokenbench version` reports.
type BuildInfo struct {
	Version, Commit, Date, GoVersion string
	Modified                         bool
}

// ReadBuildInfo combines the release stamps with what the Go toolchain
// embedded (the VCS revision and time of a plain `go build`).
func ReadBuildInfo() BuildInfo {
	bi := BuildInfo{Version: Version, Commit: Commit, Date: Date, GoVersion: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if bi.Commit == "" {
					bi.Commit = s.Value
				}
			case "vcs.time":
				if bi.Date == "" {
					bi.Date = s.Value
				}
			case "vcs.modified":
				bi.Modified = s.Value == "true"
			}
		}
		if bi.Version == "dev" && isRelease(info.Main.Version) {
			bi.Version = info.Main.Version // go install module@v1.2.3
		}
	}
	return bi
}

// isRelease tells a tagged module version from what a local build stamps:
// "(devel)", a pseudo-version (v0.0.0-20261128140556-9fb2a6fbec8e) or a
// "+dirty" one.
func isRelease(v string) bool {
	if v == "" || v == "(devel)" || strings.HasSuffix(v, "+dirty") {
		return false
	}
	// Compiled here, not at start-up: only `version` needs it.
	return !regexp.MustCompile(`\d{14}-[0-9a-f]{12}$`).MatchString(v)
}

func (bi BuildInfo) write(w io.Writer) error {
	commit := bi.Commit
	if commit == "" {
		commit = "unknown"
	}
	if bi.Modified {
		commit += " (modified)"
	}
	date := bi.Date
	if date == "" {
		date = "unknown"
	}
	_, err := fmt.Fprintf(w, "tokenbench %s\ncommit: %s\nbuilt:  %s\ngo:     %s\n", bi.Version, commit, date, bi.GoVersion)
	return err
}

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print version, commit, build date and Go version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return ReadBuildInfo().write(app.stdout)
		},
	}
}
