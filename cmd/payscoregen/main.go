// Command payscoregen checks the Pay Score spec and generates Go and
// mini-program code from it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: payscoregen <command> [flags]

commands:
  check      load and validate the spec, print every problem (exit 1 on any)
  generate   generate Go (and JS) code from the spec, into generated/ or your packages (-pkg)
  errata     list where the docs contradict themselves and what the code uses
  import     turn the text of a doc page into a spec draft (YAML on stdout)
  diff       list the API changes between two specs, breaking ones first (exit 1 on breaking)
  schema     print the JSON Schema of spec files
  sim        run the offline Pay Score simulator on loopback
  version    print the module version (and commit) this binary was built from

Run 'payscoregen <command> -h' for the flags of a command.
`

// errUsage marks errors that were already explained by a usage message.
var errUsage = errors.New("usage")

func main() {
	// SIGTERM and SIGHUP too: make forwards SIGTERM to the simulator when it
	// is itself stopped, and a closed terminal sends SIGHUP.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "check":
		err = runCheck(args[1:], stdout, stderr)
	case "generate":
		err = runGenerate(args[1:], stdout, stderr)
	case "schema":
		err = runSchema(args[1:], stdout, stderr)
	case "errata":
		err = runErrata(args[1:], stdout, stderr)
	case "sim":
		err = runSim(ctx, args[1:], stdout, stderr)
	case "import":
		err = runImport(args[1:], os.Stdin, stdout, stderr)
	case "diff":
		err = runDiff(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		err = runVersion(args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "payscoregen: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
}

// newFlagSet returns a flag set that reports to stderr and returns errors.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: payscoregen %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "payscoregen %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
