/* Declared for C++ callers: the C API check is written in C (c_api_check.c). */
#ifndef FIELDGATE_C_API_CHECK_H
#define FIELDGATE_C_API_CHECK_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
/* 1 when every check held; else 0 and `failure` names the first that did not. */
int fg_c_api_check(const char* db_path, const char* host, unsigned short port,
                   const char* device_id, const char* token, const char* work_order_id,
                   const char* photo_path, char* failure, size_t failure_cap);
#ifdef __cplusplus
}
#endif
#endif
