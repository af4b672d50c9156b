package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/payscoregen/payscoregen/internal/gen"
)

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "payscoregen: no build information (built without module support)")
		return nil
	}
	fmt.Fprintln(stdout, versionLine(info))
	return nil
}

// versionLine says which payscoregen module built the binary: the main module
// (a checkout: go build, go run ./cmd/payscoregen) or a dependency (go tool
// payscoregen, go run ...@version from another module), with the commit when
// the build recorded one.
func versionLine(info *debug.BuildInfo) string {
	var b strings.Builder
	b.WriteString("payscoregen ")
	mod := &info.Main
	if mod.Path != gen.Module {
		mod = nil
		for _, d := range info.Deps {
			if d.Path == gen.Module {
				mod = d
				break
			}
		}
	}
	switch {
	case mod == nil:
		b.WriteString("(unknown module version)")
	case mod.Version == "" || mod.Version == "(devel)":
		b.WriteString("(devel)")
	default:
		b.WriteString(mod.Version)
	}
	if mod != nil && mod.Replace != nil {
		b.WriteString(" => " + mod.Replace.Path)
		if v := mod.Replace.Version; v != "" && v != "(devel)" {
			b.WriteString(" " + v)
		}
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	// vcs.* describe the main module's checkout only.
	if mod == &info.Main && settings["vcs.revision"] != "" {
		b.WriteString(", commit " + settings["vcs.revision"])
		if t := settings["vcs.time"]; t != "" {
			b.WriteString(" (" + t + ")")
		}
		if settings["vcs.modified"] == "true" {
			b.WriteString(", modified")
		}
	}
	b.WriteString(", " + info.GoVersion)
	return b.String()
}
