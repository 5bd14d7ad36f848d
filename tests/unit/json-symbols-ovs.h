/* Interface between the two halves of test-json-symbols: plain C types only,
 * so that neither JSON library's header is needed to call across. */
#ifndef WEFT_JSON_SYMBOLS_OVS_H
#define WEFT_JSON_SYMBOLS_OVS_H 1

char *ovs_side_get_string(const char *text, const char *key);
char *ovs_side_make_array(void);

#endif
