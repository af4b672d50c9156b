package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/payscoregen/payscoregen/sim"
	"github.com/payscoregen/payscoregen/sim/console"
)

// runSim runs the offline simulator on loopback until ctx ends (Ctrl-C).
func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sim", "sim [-addr 127.0.0.1:PORT] [-keys FILE] [-callback-http | -callback-ca FILE] [-v]", stderr)
	addr := fs.String("addr", sim.DefaultAddr, "loopback address to listen on (port 0: any free port)")
	keysFile := fs.String("keys", "", "write the settings and keys as JSON to this file (mode 0600) instead of printing the secrets")
	callbackCA := fs.String("callback-ca", "", "PEM file of certificates to trust when posting notifications to https notify_urls (e.g. a test server's)")
	callbackHTTP := fs.Bool("callback-http", false, "post notifications to loopback notify_urls over plain http (notify_url stays https://127.0.0.1:PORT/...), so a local server needs no certificate")
	verbose := fs.Bool("v", false, "log each API call and notification delivery to stderr")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := sim.CheckLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "payscoregen %v\n", err)
		return errUsage
	}

	opts := []sim.Option{sim.WithAddr(*addr)}
	if *callbackCA != "" {
		pem, err := os.ReadFile(*callbackCA)
		if err != nil {
			return fmt.Errorf("payscoregen sim: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("payscoregen sim: no PEM certificate in %s", *callbackCA)
		}
		opts = append(opts, sim.WithCallbackClient(&http.Client{
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		}))
	}
	if *callbackHTTP {
		opts = append(opts, sim.WithPlainHTTPCallbacks())
	}
	if *verbose {
		opts = append(opts, sim.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	s, err := sim.New(opts...)
	if err != nil {
		return err
	}
	defer s.Close()
	con, err := console.New(s)
	if err != nil {
		return err
	}
	if err := con.Mount(); err != nil {
		return err
	}
	if err := s.Start(); err != nil {
		return err
	}
	cfg := simConfig{Config: s.Config(), APIv2Key: string(con.APIv2Key())}
	if *keysFile != "" {
		if err := writeSimConfig(*keysFile, cfg); err != nil {
			return fmt.Errorf("payscoregen sim: %w", err)
		}
	}
	printSimConfig(stdout, cfg, *keysFile)
	fmt.Fprintf(stdout, "payscoregen sim: console on %s/ (authorizations, orders, notifications, faults, jump payloads)\n", cfg.BaseURL)
	fmt.Fprintf(stdout, "payscoregen sim: ready on %s (Ctrl-C to stop)\n", cfg.BaseURL)

	<-ctx.Done()
	fmt.Fprintln(stdout, "payscoregen sim: stopping")
	return s.Close()
}

// simConfig is what `payscoregen sim` prints and writes: the simulator's
// settings and the APIv2 key the console checks signed jumps with.
type simConfig struct {
	sim.Config
	APIv2Key string `json:"apiv2_key"`
}

func printSimConfig(w io.Writer, c simConfig, keysFile string) {
	fmt.Fprintln(w, "payscoregen sim: offline WeChat Pay Score simulator. This is a TEST TOOL: its keys were")
	fmt.Fprintln(w, "made at start-up and are shown on purpose; never use them, or this server, for real payments.")
	fmt.Fprintln(w)
	row := func(k, v string) { fmt.Fprintf(w, "  %-24s %s\n", k, v) }
	row("base_url", c.BaseURL+"   (acquiringbank.WithBaseURL)")
	row("mchid", c.MchID)
	row("merchant_serial", c.MerchantSerial)
	row("platform_public_key_id", c.PlatformPublicKeyID)
	if keysFile != "" {
		row("keys", "merchant private key, platform public key, APIv3 and APIv2 keys written to "+keysFile+" (JSON)")
	} else {
		row("apiv3_key", c.APIv3Key)
		row("apiv2_key", c.APIv2Key+"   (signs jumps; the console checks them)")
		fmt.Fprintf(w, "  merchant_private_key (PKCS #8, option.WithWechatPayPublicKeyAuthCipher):\n%s", c.MerchantPrivateKeyPEM)
		fmt.Fprintf(w, "  platform_public_key (verifies responses and notifications):\n%s", c.PlatformPublicKeyPEM)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  control API (JSON; see README.md, section Test your integration offline):")
	fmt.Fprintln(w, "    POST /sim/authorize {\"apply_permissions_token\":\"...\",\"openid\":\"...\"}   POST /sim/revoke {\"authorization_code\":\"...\"}")
	fmt.Fprintln(w, "    POST /sim/faults {\"operation\":\"query_authorization\",\"code\":\"SYSTEM_ERROR\",\"count\":1}   POST /sim/redeliver {\"id\":\"EV-...\"}")
	fmt.Fprintln(w, "    POST /sim/clock/advance {\"duration\":\"15s\"}   POST /sim/flush   GET /sim/deliveries   GET /sim/authorizations")
	fmt.Fprintln(w)
}

// writeSimConfig writes the settings atomically, readable by the owner only.
func writeSimConfig(path string, c simConfig) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".payscoregen-sim-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
