// The first steps of a claim with libclaimlink on an ESP8266 or ESP32 (Arduino core): the session
// request and the QR link. The full loop (the poll, the claim, signed requests, what to persist)
// is the host program in examples/claimlink-device of the library's source; README.md,
// "Porting checklist", says what to keep in flash and when.
#include <claimlink.h>

static const char ORIGIN[] = "https://app.example.org"; // your server's origin, built in

void setup() {
  Serial.begin(115200);
  char body[160];
  size_t len = 0;
  if (cl_build_session_body("coreink-heat", "1.0.0", body, sizeof body, &len) == CL_OK) {
    Serial.print("POST /api/v1/provisioning/sessions ");
    Serial.println(body);
  }
  uint8_t seed[32];
  for (size_t i = 0; i < sizeof seed; i++) seed[i] = (uint8_t)random(256); // use the hardware RNG
  char pop[CL_POP_LEN + 1], qr[CL_QR_MAX + 1];
  if (cl_pop(seed, "MFRGGZDFMZTWQ2LKNNWG23TPOA", 59846400u, pop) == CL_OK &&
      cl_qr_text(ORIGIN, "MFRGGZDFMZTWQ2LKNNWG23TPOA", pop, qr, sizeof qr) == CL_OK)
    Serial.println(qr);
  cl_wipe(seed, sizeof seed);
}

void loop() {}
