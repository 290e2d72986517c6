/* `claimlink-device --self-test` (ctest): options, the QR encoder, the outbox and the state file, offline. */
#define _DEFAULT_SOURCE /* mkstemp */
#include "device.h"
#include "qr.h"
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPECT(cond)                                                    \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "self-test: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                         \
    }                                                                   \
  } while (0)

static int test_options(void) {
  options o;
  char *argv[] = {"x", "--server", "http://127.0.0.1:9/", "--pin",
                  "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8",
                  "--interval", "2", NULL};
  EXPECT(parse_options(7, argv, &o) == 0);
  EXPECT(strcmp(o.origin, "http://127.0.0.1:9") == 0 && !o.connect && o.npins == 1 && o.interval == 2);
  EXPECT(strcmp(o.pins[0].kid, "5ff04105fc2e52e4") == 0);
  /* --connect moves the requests, never the origin the QR and claimUrl are checked against. */
  char *via[] = {"x", "--server", "http://app.example:3000", "--connect", "http://127.0.0.1:8", NULL};
  EXPECT(parse_options(5, via, &o) == 0);
  EXPECT(strcmp(o.origin, "http://app.example:3000") == 0 && strcmp(o.connect, "http://127.0.0.1:8") == 0);
  /* (1.2) firmware keys and the update partition, which defaults to the state file's name + .ota */
  char *fw[] = {"x", "--state", "/tmp/s", "--firmware-key",
                "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts", NULL};
  EXPECT(parse_options(5, fw, &o) == 0);
  EXPECT(o.nfw_keys == 1 && strcmp(o.fw_keys[0].kid, "09e17ad8d663a41e") == 0 && o.npins == 0);
  EXPECT(strcmp(o.partition, "/tmp/s.ota") == 0 && o.partition_size == 4L * 1024 * 1024);
  char *badfw[] = {"x", "--firmware-key", "AAAA", NULL};
  EXPECT(parse_options(3, badfw, &o) != 0);
  char *bad[] = {"x", "--pin", "AAAA", NULL};
  EXPECT(parse_options(3, bad, &o) != 0);
  char *dangling[] = {"x", "--connect", NULL};
  EXPECT(parse_options(2, dangling, &o) != 0);
  return 0;
}

static int test_outbox(outbox *box) {
  char body[OUTBOX_BODY_MAX], item[64];
  size_t len;
  box->n = 0;
  EXPECT(outbox_body(box, 5, body, sizeof body, &len) == 0 && strcmp(body, "{\"measurements\":[]}") == 0);
  EXPECT(outbox_push(box, "{\"property\":\"co2\",\"time\":1,\"value\":600}") == 0);
  EXPECT(outbox_push(box, "{\"property\":\"co2\",\"time\":2,\"value\":601}") == 0);
  EXPECT(outbox_push(box, "not json") < 0 && outbox_push(box, "{}\n{}") < 0 && outbox_push(box, "[1]") < 0);
  EXPECT(outbox_body(box, 5, body, sizeof body, &len) == 0 && len == strlen(body));
  EXPECT(strcmp(body, "{\"measurements\":[{\"property\":\"co2\",\"time\":1,\"value\":600},"
                      "{\"property\":\"co2\",\"time\":2,\"value\":601}]}") == 0);
  EXPECT(cl_json_validate(body, len) == CL_OK);
  EXPECT(outbox_body(box, 2, body, 40, &len) != 0);
  outbox_drop(box, 1);
  EXPECT(box->n == 1 && strstr(box->item[0], "\"time\":2"));
  /* Full: the oldest goes first. */
  for (int i = 0; i < OUTBOX_MAX; i++) {
    snprintf(item, sizeof item, "{\"property\":\"t\",\"time\":%d,\"value\":0}", 100 + i);
    EXPECT(outbox_push(box, item) == (i == OUTBOX_MAX - 1));
  }
  EXPECT(box->n == OUTBOX_MAX && strstr(box->item[0], "\"time\":100,"));
  EXPECT(outbox_body(box, OUTBOX_BATCH, body, sizeof body, &len) == 0);
  outbox_drop(box, OUTBOX_MAX + 5);
  EXPECT(box->n == 0);
  return 0;
}

static int test_state(outbox *box) {
  static outbox back_box;
  char file[] = "/tmp/claimlink-selftest-XXXXXX";
  int fd = mkstemp(file);
  EXPECT(fd >= 0);
  close(fd);
  cl_credential c, back;
  memset(&c, 0, sizeof c);
  strcpy(c.device_id, "dev_1");
  strcpy(c.credential_id, "crd_1");
  strcpy(c.name, "Living room");
  memset(c.secret, 0xab, 32);
  box->n = 0;
  outbox_push(box, "{\"property\":\"co2\",\"unit\":\"ppm\",\"time\":1795392000,\"value\":612}");
  outbox_push(box, "{\"property\":\"temperature\",\"unit\":\"Cel\",\"time\":1795392000,\"value\":21.50}");
  cl_resume r, rback;
  memset(&r, 0, sizeof r);
  r.flags = CL_RESUME_REPROVISION;
  strcpy(r.command_id, "cmd_1");
  int ok = state_save(file, "http://x", &c, box, &r) == 0 && state_load(file, "http://x", &back, &back_box, &rback) == 1 &&
           memcmp(&c, &back, sizeof c) == 0 && back_box.n == 2 && strcmp(back_box.item[1], box->item[1]) == 0 &&
           rback.flags == CL_RESUME_REPROVISION && strcmp(rback.command_id, "cmd_1") == 0 &&
           state_load(file, "http://y", &back, NULL, NULL) == -1;
  /* A first claim in flight: no credential yet, only the record. */
  ok = ok && state_save(file, "http://x", NULL, NULL, &r) == 0 && state_load(file, "http://x", &back, NULL, &rback) == 0 &&
       rback.flags == CL_RESUME_REPROVISION;
  remove(file);
  EXPECT(ok);
  return 0;
}

int self_test(void) {
  static outbox box;
  FILE *devnull = fopen("/dev/null", "w");
  int qr = devnull ? qr_print(devnull, "http://localhost:3000/claim#MFRGGZDFMZTWQ2LKNNWG23TPOA.W53B7GLAZNR4AYB3JAGRCVVAME")
                   : -1;
  if (devnull) fclose(devnull);
  int ok = qr == 0 && test_options() == 0 && test_outbox(&box) == 0 && test_state(&box) == 0;
  puts(ok ? "self-test ok" : "self-test FAILED");
  return ok ? 0 : 1;
}
