package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/payscoregen/payscoregen/internal/spec"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "check [-spec DIR]", stderr)
	dir := fs.String("spec", "spec", "spec directory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := spec.LoadDir(*dir)
	var problems spec.Problems
	if errors.As(err, &problems) {
		return fmt.Errorf("%w\n%d problem(s) in %s", problems, len(problems), *dir)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d files, %s: ok\n", *dir, len(s.Files), s.Summary())
	return nil
}
