/* placeholder until generated */
static const char golden_hv1_lb[] = "";
